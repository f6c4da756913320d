import { jobPayloads, type JobName, type JobPayload } from "@switchyard/contracts";
import type { z } from "zod";

export type JobPayloadInput<N extends JobName> = z.input<(typeof jobPayloads)[N]>;

/** A payload that does not match its job's schema; the message names each bad field. */
export class InvalidJobPayloadError extends Error {
  override name = "InvalidJobPayloadError";
  constructor(
    readonly jobName: string,
    readonly problems: string[],
  ) {
    super(`invalid payload for job "${jobName}": ${problems.join("; ")}`);
  }
}

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(jobPayloads, name);
}

/** Parses a payload with the job's schema from @switchyard/contracts (defaults applied) or throws. */
export function parseJobPayload<N extends JobName>(name: N, payload: unknown): JobPayload<N> {
  const result = jobPayloads[name].safeParse(payload);
  if (result.success) return result.data as JobPayload<N>;
  throw new InvalidJobPayloadError(name, describePayloadProblems(result.error));
}

/** One `field.path: message` line per issue; `payload` when the payload itself is the wrong shape. */
export function describePayloadProblems(error: z.ZodError): string[] {
  return error.issues.map(
    (issue) => `${issue.path.length > 0 ? issue.path.join(".") : "payload"}: ${issue.message}`,
  );
}
