import { request } from "undici";
import { type FaultSettings } from "./service/faults";

/** What a test may send: any subset of the fault fields, plus `seed` to restart the error sequence. */
export type FaultRequest = Partial<FaultSettings> & { seed?: number };

async function call(instanceUrl: string, method: "GET" | "PUT" | "POST" | "DELETE", body?: FaultRequest) {
  const response = await request(`${instanceUrl.replace(/\/+$/, "")}/admin/faults`, {
    method,
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(5_000),
  });
  const payload = (await response.body.json()) as { faults?: FaultSettings; message?: string };
  if (response.statusCode !== 200 || !payload.faults) {
    throw new Error(
      `${method} ${instanceUrl}/admin/faults answered ${response.statusCode}: ${payload.message ?? ""}`,
    );
  }
  return payload.faults;
}

export function getFaults(instanceUrl: string): Promise<FaultSettings> {
  return call(instanceUrl, "GET");
}

/**
 * Sets faults on one replica. `merge` (POST) keeps fields not given; `replace` (PUT) resets them to no fault.
 * The replica answers 400 naming the field for a bad value, which rejects here with that message.
 */
export function setFaults(instanceUrl: string, faults: FaultRequest, mode: "merge" | "replace" = "merge") {
  return call(instanceUrl, mode === "merge" ? "POST" : "PUT", faults);
}

export function clearFaults(instanceUrl: string): Promise<FaultSettings> {
  return call(instanceUrl, "DELETE");
}
