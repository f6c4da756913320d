import { z } from "zod";
import { httpUrl } from "../cli";
import { ConfigError, describeIssues, fieldIssues } from "../validation";

/** Hard limits: the generator always stops by itself, whatever it is asked. */
export const TRAFFIC_LIMITS = Object.freeze({
  maxRps: 2_000,
  maxDurationMs: 3_600_000,
  maxCount: 1_000_000,
  maxConcurrency: 512,
  maxHeaders: 32,
});

// Headers that describe the connection or the body are the client's to set; a user override would corrupt
// the request.
const RESERVED_HEADERS = new Set([
  "connection",
  "content-length",
  "transfer-encoding",
  "keep-alive",
  "upgrade",
]);

const headerName = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "expected a header name (token characters)")
  .refine(
    (name) => !RESERVED_HEADERS.has(name.toLowerCase()),
    "is set by the client and cannot be overridden",
  );

const trafficOptionsSchema = z
  .strictObject({
    target: httpUrl,
    rps: z.number().positive().max(TRAFFIC_LIMITS.maxRps).default(20),
    durationMs: z.number().int().min(1).max(TRAFFIC_LIMITS.maxDurationMs).optional(),
    count: z.number().int().min(1).max(TRAFFIC_LIMITS.maxCount).optional(),
    seed: z.number().int().min(0).max(0xffff_ffff).default(42),
    headers: z
      .record(headerName, z.string().regex(/^[\t\x20-\x7e]*$/, "expected printable ASCII"))
      .refine((headers) => Object.keys(headers).length <= TRAFFIC_LIMITS.maxHeaders, {
        message: `at most ${TRAFFIC_LIMITS.maxHeaders} headers`,
      })
      .default({}),
    concurrency: z.number().int().min(1).max(TRAFFIC_LIMITS.maxConcurrency).default(64),
    timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
    pathPrefix: z
      .string()
      .regex(/^(\/[A-Za-z0-9._~-]+)*$/, "expected '' or a path like /api")
      .default("/api"),
  })
  .refine((options) => options.durationMs !== undefined || options.count !== undefined, {
    message: "set a duration or a request count (or both) so the run ends by itself",
    path: ["durationMs"],
  });

export type TrafficOptionsInput = z.input<typeof trafficOptionsSchema>;
export type TrafficConfig = z.output<typeof trafficOptionsSchema>;

export function resolveTrafficConfig(input: unknown, rename?: (path: string) => string): TrafficConfig {
  const result = trafficOptionsSchema.safeParse(input);
  if (!result.success) throw new ConfigError(describeIssues(fieldIssues(result.error, rename)));
  return result.data;
}
