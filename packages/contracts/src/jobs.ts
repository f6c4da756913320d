import { z } from "zod";

/**
 * Payloads of the BullMQ jobs that cross process boundaries (web -> worker, scheduler -> worker).
 * The worker parses every payload with these schemas before it runs a handler, so a producer on an
 * older or newer build cannot make a handler run on data it does not understand.
 */
export const jobPayloads = {
  "agents.mark-offline": z.object({
    /** Agents whose last heartbeat is older than this are marked offline. */
    silentAfterMs: z.number().int().positive().default(60_000),
  }),
} as const;

export type JobName = keyof typeof jobPayloads;
export type JobPayload<N extends JobName> = z.infer<(typeof jobPayloads)[N]>;
