import { z } from "zod";
import { flagName, httpUrl, integerFlag, parseFlags } from "../cli";
import { resolveTrafficConfig, TRAFFIC_LIMITS, type TrafficOptionsInput } from "./options";

export const TRAFFIC_USAGE = `usage: traffic --target URL (--duration D | --count N) [options]

  --target URL            where to send (the gateway); nothing else is ever contacted
  --rps N                 requests per second, up to ${TRAFFIC_LIMITS.maxRps} (default 20)
  --duration D            how long to run: 500ms, 30s, 5m (at most 1h)
  --count N               how many requests to send (at most ${TRAFFIC_LIMITS.maxCount})
  --seed N                same seed, same request sequence (default 42)
  --header NAME:VALUE     extra request header; repeatable (e.g. --header x-canary:true)
  --concurrency N         most requests in flight at once (default 64)
  --timeout-ms N          per-request timeout (default 10000)
  --path-prefix P         prefix of every path (default /api; '' to hit a service directly)

Mix: 15% GET /products (list), 25% GET /products/:id, 25% GET /users/:id, 25% GET /orders/:id, 10% POST /orders.
Prints a summary and one JSON line ({"event":"traffic.summary",...}). Ctrl-C stops early and still prints it.`;

const FLAG_OPTIONS = {
  target: { type: "string" },
  rps: { type: "string" },
  duration: { type: "string" },
  count: { type: "string" },
  seed: { type: "string" },
  header: { type: "string", multiple: true },
  concurrency: { type: "string" },
  "timeout-ms": { type: "string" },
  "path-prefix": { type: "string" },
} as const;

const DURATION_UNITS_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

const durationFlag = z
  .string()
  .regex(/^\d+(\.\d+)?(ms|s|m|h)?$/, "expected a duration like 500ms, 30s or 5m")
  .transform((text) => {
    const [, amount, unit = "s"] = /^([\d.]+)(ms|s|m|h)?$/.exec(text)!;
    return Math.round(Number(amount) * DURATION_UNITS_MS[unit as keyof typeof DURATION_UNITS_MS]);
  });

const headerFlag = z
  .array(z.string().regex(/^[^:]+:.*$/, "expected NAME:VALUE"))
  .transform((pairs) =>
    Object.fromEntries(
      pairs.map((pair) => [
        pair.slice(0, pair.indexOf(":")).trim(),
        pair.slice(pair.indexOf(":") + 1).trim(),
      ]),
    ),
  );

const trafficFlagsSchema = z.object({
  target: httpUrl,
  rps: z
    .string()
    .regex(/^\d+(\.\d+)?$/, "expected a number")
    .transform(Number)
    .optional(),
  duration: durationFlag.optional(),
  count: integerFlag(1, TRAFFIC_LIMITS.maxCount).optional(),
  seed: integerFlag(0, 0xffff_ffff).optional(),
  header: headerFlag.optional(),
  concurrency: integerFlag(1, TRAFFIC_LIMITS.maxConcurrency).optional(),
  timeoutMs: integerFlag(100, 60_000).optional(),
  pathPrefix: z.string().optional(),
});

const OPTION_TO_FLAG: Record<string, string> = { durationMs: "duration", headers: "header" };

/** Parses the traffic CLI's flags into runTraffic options; throws UsageError/ConfigError naming the flag. */
export function parseTrafficFlags(argv: readonly string[]): TrafficOptionsInput {
  const flags = parseFlags(argv, FLAG_OPTIONS, trafficFlagsSchema);
  const input = {
    target: flags.target,
    rps: flags.rps,
    durationMs: flags.duration,
    count: flags.count,
    seed: flags.seed,
    headers: flags.header,
    concurrency: flags.concurrency,
    timeoutMs: flags.timeoutMs,
    pathPrefix: flags.pathPrefix,
  };
  resolveTrafficConfig(input, (path) => {
    const [head = path, ...rest] = path.split(".");
    return [flagName(OPTION_TO_FLAG[head] ?? head), ...rest].join(" ");
  });
  return input;
}
