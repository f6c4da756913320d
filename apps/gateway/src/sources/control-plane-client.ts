import {
  agentApiPaths,
  configWatchResponseSchema,
  type ConfigAck,
  type ConfigRevision,
  type Heartbeat,
} from "@switchyard/contracts";
import { Agent, request } from "undici";

export type WatchResult =
  { kind: "revision"; revision: ConfigRevision } | { kind: "unchanged" } | { kind: "unauthorized" };

export class ControlPlaneError extends Error {}

/** The agent side of the control-plane protocol in `@switchyard/contracts` (`agentApiPaths`). */
export class ControlPlaneClient {
  private readonly dispatcher = new Agent({ keepAliveTimeout: 60_000, connect: { timeout: 5_000 } });
  private readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly token: string,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
  }

  /** One blocking read: a revision newer than `after`, or `unchanged` when `waitSeconds` ran out. */
  async watch(after: number, waitSeconds: number, signal?: AbortSignal): Promise<WatchResult> {
    const response = await request(
      `${this.baseUrl}${agentApiPaths.config}?after=${after}&waitSeconds=${waitSeconds}`,
      {
        method: "GET",
        headers: this.headers(),
        dispatcher: this.dispatcher,
        // The server may legitimately hold the request for waitSeconds; anything much longer is a hang.
        headersTimeout: (waitSeconds + 10) * 1000,
        bodyTimeout: 30_000,
        signal,
      },
    );
    const status = response.statusCode;
    if (status === 204) {
      await response.body.dump();
      return { kind: "unchanged" };
    }
    if (status === 401 || status === 403) {
      await response.body.dump();
      return { kind: "unauthorized" };
    }
    if (status !== 200) {
      await response.body.dump();
      throw new ControlPlaneError(`config watch answered ${status}`);
    }
    let body: unknown;
    try {
      body = await response.body.json();
    } catch (error) {
      throw new ControlPlaneError(`config watch body is not JSON: ${(error as Error).message}`);
    }
    const parsed = configWatchResponseSchema.safeParse(body);
    if (!parsed.success)
      throw new ControlPlaneError(`config watch body is malformed: ${parsed.error.message}`);
    return { kind: "revision", revision: parsed.data.revision };
  }

  ack(ack: ConfigAck): Promise<void> {
    return this.post(agentApiPaths.ack, ack);
  }

  heartbeat(heartbeat: Heartbeat): Promise<void> {
    return this.post(agentApiPaths.heartbeat, heartbeat);
  }

  /** Cuts whatever is still in flight (a held watch, a heartbeat): used once the agent has drained. */
  async destroy(): Promise<void> {
    await this.dispatcher.destroy();
  }

  private async post(path: string, body: unknown): Promise<void> {
    const response = await request(`${this.baseUrl}${path}`, {
      method: "POST",
      headers: { ...this.headers(), "content-type": "application/json" },
      body: JSON.stringify(body),
      dispatcher: this.dispatcher,
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    await response.body.dump();
    if (response.statusCode >= 300) throw new ControlPlaneError(`${path} answered ${response.statusCode}`);
  }

  private headers(): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, accept: "application/json" };
  }
}
