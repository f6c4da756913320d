import { z } from "zod";
import { telemetryIngestJobSchema } from "./telemetry";

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
  /** One accepted OTLP upload. Idempotent: a batch whose marker exists is skipped. */
  "telemetry.ingest": telemetryIngestJobSchema,
  /** Adds the service-graph calls of the spans stored since the last run to the edges. */
  "telemetry.service-graph": z.object({}),
  /** Wakes a group's agents for a new revision and follows their acknowledgements until the deadline. */
  "config.publish": z.object({
    organizationId: z.string().min(1),
    groupId: z.string().min(1),
    revisionId: z.string().min(1),
    revisionNumber: z.number().int().positive(),
    convergeWithinMs: z.number().int().positive().max(300_000).default(15_000),
  }),
  /**
   * One check of a running rollout: measures the canary against stable over the step's window and advances,
   * waits or rolls back. `seq` is the check the run expects next; a job with another number (a retry after
   * the check was done, or a check from before a pause) changes nothing.
   */
  "rollout.check": z.object({
    organizationId: z.string().min(1),
    runId: z.string().min(1),
    stepIndex: z.number().int().nonnegative(),
    seq: z.number().int().nonnegative(),
  }),
  /** Re-enqueues the check of running rollouts whose check is overdue by more than this (its job was lost). */
  "rollout.sweep": z.object({
    overdueMs: z.number().int().min(1_000).max(3_600_000).default(30_000),
  }),
  /** Creates day partitions ahead and drops raw data older than the retention. */
  "telemetry.retention": z.object({
    retentionDays: z.number().int().positive().max(90).default(7),
    partitionsAhead: z.number().int().nonnegative().max(14).default(2),
    rollupRetentionDays: z.number().int().positive().max(400).default(30),
  }),
  /** Evaluates every enabled alert rule once (scheduled every 10 s); moves incidents, creates notifications. */
  "alerts.evaluate": z.object({}),
  /** Delivers one Notification row; the job id is the notification id. */
  "alerts.notify": z.object({ notificationId: z.string().min(1) }),
} as const;

export type JobName = keyof typeof jobPayloads;
export type JobPayload<N extends JobName> = z.infer<(typeof jobPayloads)[N]>;
