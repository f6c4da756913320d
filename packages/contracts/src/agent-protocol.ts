import { z } from "zod";

/**
 * The wire protocol between a gateway agent and the control plane. Every call carries
 * `Authorization: Bearer <agent token>`; a missing, unknown or revoked token is answered with 401 and
 * an {@link agentApiErrorSchema} body.
 *
 * - `GET  {config}?after=<n>&waitSeconds=<1..60>`: a Consul-style blocking read. The server answers
 *   200 with {@link configWatchResponseSchema} as soon as the agent's group has a revision numbered
 *   higher than `after` (at once if it already has one), or 204 with no body when `waitSeconds` ran out.
 *   `after=0` returns the latest revision right away.
 * - `POST {ack}` with {@link configAckSchema}: the agent applied or refused a revision. Answered 204.
 * - `POST {heartbeat}` with {@link heartbeatSchema} every 10 s. Answered 204.
 */
export const agentApiPaths = {
  config: "/api/agent/v1/config",
  ack: "/api/agent/v1/ack",
  heartbeat: "/api/agent/v1/heartbeat",
} as const;

/**
 * Whether a request target (path with its query) is a config watch. Watches are held open on purpose, up
 * to `waitSeconds`, so the control plane marks their spans as long polls (see `LONG_POLL_SPAN_ATTRIBUTE`).
 */
export function isConfigWatchTarget(target: string): boolean {
  const path = target.split("?", 1)[0];
  return path === agentApiPaths.config;
}

export const configWatchLimits = {
  defaultWaitSeconds: 30,
  minWaitSeconds: 1,
  maxWaitSeconds: 60,
} as const;

export const heartbeatIntervalMs = 10_000;

const isoTimestamp = z.iso.datetime({ offset: true });

/** Query string of the watch; the control plane parses it with this schema (strings are coerced). */
export const configWatchQuerySchema = z.object({
  after: z.coerce.number().int().min(0).default(0),
  waitSeconds: z.coerce
    .number()
    .int()
    .min(configWatchLimits.minWaitSeconds)
    .max(configWatchLimits.maxWaitSeconds)
    .default(configWatchLimits.defaultWaitSeconds),
});
export type ConfigWatchQuery = z.infer<typeof configWatchQuerySchema>;

/**
 * A numbered, immutable revision of a gateway group's configuration. `config` is deliberately left
 * unparsed here: the agent validates it with `gatewayConfigSchema` on its own, so an invalid config is
 * still attributed to its revision number and acknowledged as rejected instead of being unreadable.
 */
export const configRevisionSchema = z.object({
  number: z.number().int().positive(),
  groupId: z.string().min(1),
  createdAt: isoTimestamp,
  config: z.unknown(),
});
export type ConfigRevision = z.infer<typeof configRevisionSchema>;

export const configWatchResponseSchema = z.object({ revision: configRevisionSchema });
export type ConfigWatchResponse = z.infer<typeof configWatchResponseSchema>;

export const configIssueSchema = z.object({ path: z.string(), message: z.string() });

export const configAckSchema = z
  .object({
    revision: z.number().int().positive(),
    status: z.enum(["applied", "rejected"]),
    appliedAt: isoTimestamp,
    /** From receiving the revision to serving it (or refusing it). */
    durationMs: z.number().min(0).optional(),
    errors: z.array(configIssueSchema).optional(),
  })
  .refine((ack) => ack.status === "applied" || (ack.errors?.length ?? 0) > 0, {
    message: "a rejected revision needs at least one error",
    path: ["errors"],
  });
export type ConfigAck = z.infer<typeof configAckSchema>;

export const breakerStateSchema = z.enum(["closed", "open", "half_open"]);
export type BreakerStateName = z.infer<typeof breakerStateSchema>;

export const breakerStatusSchema = z.object({
  state: breakerStateSchema,
  /** Consecutive failures while closed; failed probes while half-open. */
  failures: z.number().int().min(0),
  /** Successful probes while half-open. */
  successes: z.number().int().min(0),
  lastFailureAt: isoTimestamp.nullable(),
  /** `timeout`, `connect_error`, `reset`, `status_503`, ... */
  lastFailureReason: z.string().nullable(),
});
export type BreakerStatus = z.infer<typeof breakerStatusSchema>;

export const targetStatusSchema = z.object({
  serviceId: z.string(),
  targetId: z.string(),
  url: z.string(),
  version: z.string(),
  weight: z.number().int().min(0),
  /** Verdict of the active health check (true while no check has run or checks are off). */
  healthy: z.boolean(),
  /** Taken out by passive outlier detection until `ejectedUntil`. */
  ejected: z.boolean(),
  ejectedUntil: isoTimestamp.nullable(),
  breaker: breakerStatusSchema,
  inflight: z.number().int().min(0),
});
export type TargetStatus = z.infer<typeof targetStatusSchema>;

export const configSourceSchema = z.enum(["control_plane", "file", "last_known_good"]);
export type ConfigSource = z.infer<typeof configSourceSchema>;

/**
 * How this agent decides its rate limits marked `shared`: through Redis (`connected`), or with its own
 * buckets because Redis is not connected (`connecting`, `unreachable`) or its bootstrap names none
 * (`not_configured`). A connected Redis that is too slow to answer also sends decisions to the local
 * bucket: `lastFallbackAt` says when that last happened.
 */
export const sharedRateLimitStatusSchema = z.object({
  connection: z.enum(["connecting", "connected", "unreachable", "not_configured"]),
  /** Decisions Redis made since the agent started. */
  sharedDecisions: z.number().int().min(0),
  /** Decisions of shared limits taken from this agent's own bucket since it started. */
  localFallbacks: z.number().int().min(0),
  lastFallbackAt: isoTimestamp.nullable(),
  lastError: z.string().nullable(),
});
export type SharedRateLimitStatus = z.infer<typeof sharedRateLimitStatusSchema>;

export const heartbeatSchema = z.object({
  agentId: z.string().min(1),
  agentVersion: z.string().min(1),
  hostname: z.string().min(1),
  startedAt: isoTimestamp,
  sentAt: isoTimestamp,
  /** Revision number being served, null before the first one or when serving a local file. */
  revisionInUse: z.number().int().positive().nullable(),
  configSource: configSourceSchema.nullable(),
  /** The most recent revision this agent refused, so the UI can say why it did not converge. */
  lastRejected: z
    .object({ revision: z.number().int().positive().nullable(), errors: z.array(configIssueSchema) })
    .nullable(),
  inflightRequests: z.number().int().min(0),
  targets: z.array(targetStatusSchema),
  telemetry: z.object({
    droppedSpans: z.number().int().min(0),
    failedMetricExports: z.number().int().min(0),
  }),
  /** Absent from agents older than this field. */
  sharedRateLimits: sharedRateLimitStatusSchema.optional(),
});
export type Heartbeat = z.infer<typeof heartbeatSchema>;

export const agentApiErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type AgentApiError = z.infer<typeof agentApiErrorSchema>;
