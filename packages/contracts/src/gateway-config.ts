import { z } from "zod";

/**
 * The gateway configuration: the one definition of a revision that the control plane writes and the
 * gateway agent applies. Defaults come from the design brief's table of field defaults, so a minimal
 * revision (a route and a service with one target) is complete after parsing.
 *
 * Objects are strict on purpose: a misspelt field is refused with its path instead of being ignored,
 * because a setting that is saved but silently has no effect is worse than a refused revision.
 */

/** Cross-field checks only make sense on data whose fields already passed their own checks. */
const onlyWhenFieldsAreValid = {
  when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0,
};

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
const idSchema = z
  .string()
  .regex(ID_PATTERN, "must be 1-63 letters, digits, '-' or '_', starting with a letter or digit");

/** RFC 9110 token characters: what a header or cookie name may contain. */
const TOKEN_PATTERN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const headerNameSchema = z
  .string()
  .regex(TOKEN_PATTERN, "must be a valid HTTP header name")
  .transform((name) => name.toLowerCase());
const headerValueSchema = z
  .string()
  .max(8192)
  .regex(/^[^\r\n\0]*$/, "must not contain CR, LF or NUL");

export const httpMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export const httpMethodSchema = z.enum(httpMethods);
export type HttpMethod = z.infer<typeof httpMethodSchema>;

const pathSchema = z
  .string()
  .startsWith("/", "must start with '/'")
  .max(2048)
  .regex(/^[^?#\s]*$/, "must be a path without query, fragment or whitespace");

/** A host name, optionally with a leading `*.` wildcard for any single-or-more-label subdomain. */
const hostPatternSchema = z
  .string()
  .regex(
    /^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
    "must be a host name, optionally starting with '*.'",
  )
  .transform((host) => host.toLowerCase());

export const routeMatchSchema = z
  .strictObject({
    host: hostPatternSchema.optional(),
    /** Exact path. */
    path: pathSchema.optional(),
    /** Path prefix on segment boundaries: `/api` matches `/api` and `/api/x`, not `/apix`. */
    pathPrefix: pathSchema.optional(),
    methods: z.array(httpMethodSchema).min(1).optional(),
    /** All must match; a header without `value` only has to be present. */
    headers: z
      .array(z.strictObject({ name: headerNameSchema, value: headerValueSchema.optional() }))
      .default([]),
  })
  .refine((match) => match.path === undefined || match.pathPrefix === undefined, {
    message: "set either path or pathPrefix, not both",
    path: ["pathPrefix"],
    ...onlyWhenFieldsAreValid,
  });

export const headerChangesSchema = z.strictObject({
  set: z.record(headerNameSchema, headerValueSchema).default({}),
  remove: z.array(headerNameSchema).default([]),
});

export const retryPolicySchema = z
  .strictObject({
    /** Total attempts including the first one; 1 turns retries off. */
    attempts: z.number().int().min(1).max(10).default(3),
    initialIntervalMs: z.number().int().min(0).max(10_000).default(100),
    maxIntervalMs: z.number().int().min(0).max(60_000).default(1_000),
    /** Only idempotent methods may be listed: a retried POST can charge a card twice. */
    methods: z
      .array(z.enum(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]))
      .default(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]),
    /** Upstream statuses that count as a failed attempt and are retried on another target. */
    onStatus: z.array(z.number().int().min(500).max(599)).default([502, 503, 504]),
  })
  .refine((retry) => retry.maxIntervalMs >= retry.initialIntervalMs, {
    message: "must be at least initialIntervalMs",
    path: ["maxIntervalMs"],
    ...onlyWhenFieldsAreValid,
  });

export const rateLimitKeySchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("ip") }),
  z.strictObject({ type: z.literal("header"), name: headerNameSchema }),
  z.strictObject({ type: z.literal("api_key"), header: headerNameSchema.default("x-api-key") }),
]);

/** Token bucket: refills `average` tokens per `periodMs`, holds at most `burst`. */
export const rateLimitSchema = z.strictObject({
  average: z.number().positive("must be greater than 0").max(1_000_000_000).default(100),
  burst: z
    .number()
    .int("must be a whole number")
    .positive("must be greater than 0")
    .max(1_000_000_000)
    .default(50),
  periodMs: z
    .number()
    .int("must be a whole number of milliseconds")
    .positive("must be greater than 0")
    .max(86_400_000)
    .default(1_000),
  key: rateLimitKeySchema.default({ type: "ip" }),
  /**
   * One bucket per key for every agent of the group, kept in the Redis named by each agent's bootstrap
   * file, instead of one per agent. An agent without a reachable Redis limits with its own bucket
   * meanwhile (and reports that it does), so Redis going away never fails a request.
   */
  shared: z.boolean().default(false),
});

export const routeSchema = z.strictObject({
  id: idSchema,
  /** Higher wins; equal priorities fall back to the more specific match. */
  priority: z.number().int().min(-1_000_000).max(1_000_000).default(0),
  match: routeMatchSchema.prefault({}),
  service: idSchema,
  /** Removed from the front of the path before it goes upstream (`/api/products/5` -> `/products/5`). */
  stripPrefix: pathSchema.optional(),
  requestHeaders: headerChangesSchema.optional(),
  responseHeaders: headerChangesSchema.optional(),
  /** Deadline for the whole exchange including retries, so timeouts never nest and grow. */
  timeoutMs: z.number().int().positive().max(600_000).default(30_000),
  retry: retryPolicySchema.prefault({}),
  rateLimit: rateLimitSchema.optional(),
});

export const targetSchema = z.strictObject({
  id: idSchema,
  url: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).refine((url) => {
    const parsed = new URL(url);
    return (parsed.pathname === "/" || parsed.pathname === "") && !parsed.search && !parsed.hash;
  }, "must be an origin (scheme, host, port) without path or query"),
  /** Relative share; 0 drains the target without removing it. */
  weight: z.number().int().min(0, "must not be negative").max(1_000).default(1),
  version: idSchema.default("stable"),
});

export const balancingStrategies = [
  "round_robin",
  "weighted_round_robin",
  "least_connections",
  "ip_hash",
  "p2c_latency",
] as const;
export const balancingStrategySchema = z.enum(balancingStrategies);
export type BalancingStrategy = z.infer<typeof balancingStrategySchema>;

export const activeHealthCheckSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    path: pathSchema.default("/health"),
    intervalMs: z.number().int().min(100).max(3_600_000).default(10_000),
    timeoutMs: z.number().int().min(10).max(60_000).default(3_000),
    /** Consecutive failed checks that mark a target unhealthy. */
    unhealthyThreshold: z.number().int().min(1).max(100).default(3),
    /** Consecutive good checks that bring it back. */
    healthyThreshold: z.number().int().min(1).max(100).default(2),
    host: hostPatternSchema.optional(),
  })
  .refine((check) => check.timeoutMs < check.intervalMs, {
    message: "must be shorter than intervalMs",
    path: ["timeoutMs"],
    ...onlyWhenFieldsAreValid,
  });

export const passiveHealthCheckSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Failures within `windowMs` that eject a target for `ejectionMs`. */
  maxFailures: z.number().int().min(1).max(1_000).default(3),
  windowMs: z.number().int().min(100).max(3_600_000).default(10_000),
  ejectionMs: z.number().int().min(100).max(3_600_000).default(10_000),
});

export const circuitBreakerSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    consecutiveFailures: z.number().int().min(1).max(10_000).default(5),
    /** Opens too when the failure ratio over `windowMs` exceeds this with at least `minRequests`. */
    errorRatio: z.number().gt(0).max(1).default(0.3),
    minRequests: z.number().int().min(1).max(1_000_000).default(20),
    windowMs: z.number().int().min(100).max(3_600_000).default(10_000),
    openMs: z.number().int().min(100).max(3_600_000).default(30_000),
    halfOpenProbes: z.number().int().min(1).max(1_000).default(3),
    successesToClose: z.number().int().min(1).max(1_000).default(2),
  })
  .refine((breaker) => breaker.successesToClose <= breaker.halfOpenProbes, {
    message: "must not exceed halfOpenProbes (the breaker could never close)",
    path: ["successesToClose"],
    ...onlyWhenFieldsAreValid,
  });

export const trafficSplitSchema = z.strictObject({
  stableVersion: idSchema,
  canaryVersion: idSchema,
  canaryPercent: z.number().min(0).max(100),
  /** Optional: when the writer states both sides, they must add up to 100. */
  stablePercent: z.number().min(0).max(100).optional(),
  headerOverride: z
    .strictObject({ name: headerNameSchema.default("x-canary"), value: headerValueSchema.default("true") })
    .prefault({}),
  stickyCookie: z
    .strictObject({
      name: z.string().regex(TOKEN_PATTERN, "must be a valid cookie name").default("switchyard_canary"),
      ttlSeconds: z.number().int().positive().max(31_536_000).default(86_400),
    })
    .optional(),
});

export const serviceSchema = z.strictObject({
  targets: z.array(targetSchema).min(1, "needs at least one target"),
  strategy: balancingStrategySchema.default("round_robin"),
  healthCheck: z
    .strictObject({
      active: activeHealthCheckSchema.prefault({}),
      passive: passiveHealthCheckSchema.prefault({}),
    })
    .prefault({}),
  circuitBreaker: circuitBreakerSchema.prefault({}),
  split: trafficSplitSchema.optional(),
});

const gatewayConfigShape = z.strictObject({
  routes: z.array(routeSchema).default([]),
  services: z.record(idSchema, serviceSchema).default({}),
});

type ParsedGatewayConfig = z.infer<typeof gatewayConfigShape>;

function checkCrossReferences(config: ParsedGatewayConfig, ctx: z.RefinementCtx): void {
  const routeIds = new Set<string>();
  config.routes.forEach((route, index) => {
    if (routeIds.has(route.id)) {
      ctx.addIssue({
        code: "custom",
        path: ["routes", index, "id"],
        message: `duplicate route id '${route.id}'`,
      });
    }
    routeIds.add(route.id);
    if (!Object.hasOwn(config.services, route.service)) {
      ctx.addIssue({
        code: "custom",
        path: ["routes", index, "service"],
        message: `unknown service '${route.service}'`,
      });
    }
    const matchedPath = route.match.path ?? route.match.pathPrefix;
    if (route.stripPrefix !== undefined && !(matchedPath && hasPathPrefix(matchedPath, route.stripPrefix))) {
      ctx.addIssue({
        code: "custom",
        path: ["routes", index, "stripPrefix"],
        message: "must be a prefix (on segment boundaries) of match.path or match.pathPrefix",
      });
    }
  });

  for (const [serviceId, service] of Object.entries(config.services)) {
    checkService(serviceId, service, ctx);
  }
}

function checkService(serviceId: string, service: GatewayService, ctx: z.RefinementCtx): void {
  const targetIds = new Set<string>();
  const weightByVersion = new Map<string, number>();
  let totalWeight = 0;
  service.targets.forEach((target, index) => {
    if (targetIds.has(target.id)) {
      ctx.addIssue({
        code: "custom",
        path: ["services", serviceId, "targets", index, "id"],
        message: `duplicate target id '${target.id}'`,
      });
    }
    targetIds.add(target.id);
    totalWeight += target.weight;
    weightByVersion.set(target.version, (weightByVersion.get(target.version) ?? 0) + target.weight);
  });
  if (totalWeight === 0) {
    ctx.addIssue({
      code: "custom",
      path: ["services", serviceId, "targets"],
      message: "target weights add up to 0: at least one target needs a positive weight",
    });
  }

  const split = service.split;
  if (!split) return;
  const splitPath = ["services", serviceId, "split"];
  if (split.stablePercent !== undefined && split.stablePercent + split.canaryPercent !== 100) {
    ctx.addIssue({
      code: "custom",
      path: [...splitPath, "stablePercent"],
      message: `stablePercent (${split.stablePercent}) and canaryPercent (${split.canaryPercent}) must add up to 100`,
    });
  }
  if (split.stableVersion === split.canaryVersion) {
    ctx.addIssue({
      code: "custom",
      path: [...splitPath, "canaryVersion"],
      message: "must differ from stableVersion",
    });
  }
  for (const field of ["stableVersion", "canaryVersion"] as const) {
    const version = split[field];
    if (!weightByVersion.has(version)) {
      ctx.addIssue({
        code: "custom",
        path: [...splitPath, field],
        message: `no target has version '${version}'`,
      });
    } else if (weightByVersion.get(version) === 0) {
      ctx.addIssue({
        code: "custom",
        path: [...splitPath, field],
        message: `the targets of version '${version}' all have weight 0`,
      });
    }
  }
}

/** `/api` is a prefix of `/api` and `/api/x` but not of `/apix`. */
export function hasPathPrefix(path: string, prefix: string): boolean {
  if (prefix === "/" || prefix === path) return true;
  if (!path.startsWith(prefix)) return false;
  return prefix.endsWith("/") || path.charCodeAt(prefix.length) === 47; /* "/" */
}

export const gatewayConfigSchema = gatewayConfigShape.superRefine(
  checkCrossReferences,
  onlyWhenFieldsAreValid,
);

/** A parsed (defaults applied) gateway configuration. */
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
/** What a writer may send: defaulted fields are optional. */
export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;
export type GatewayRoute = z.infer<typeof routeSchema>;
export type GatewayService = z.infer<typeof serviceSchema>;
export type GatewayTarget = z.infer<typeof targetSchema>;
export type TrafficSplit = z.infer<typeof trafficSplitSchema>;
export type RateLimitPolicy = z.infer<typeof rateLimitSchema>;
export type RetryPolicy = z.infer<typeof retryPolicySchema>;
export type CircuitBreakerPolicy = z.infer<typeof circuitBreakerSchema>;
export type ActiveHealthCheck = z.infer<typeof activeHealthCheckSchema>;
export type PassiveHealthCheck = z.infer<typeof passiveHealthCheckSchema>;
export type HeaderChanges = z.infer<typeof headerChangesSchema>;

export interface ConfigIssue {
  /** Dotted path with indexes, e.g. `services.orders.targets[1].weight`; `(root)` for the whole document. */
  path: string;
  message: string;
}

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

export function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (typeof segment === "string" && PLAIN_KEY.test(segment))
      out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out === "" ? "(root)" : out;
}

/** Flattens a zod error into `{ path, message }` pairs that name the offending field. */
export function formatConfigIssues(error: z.ZodError): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        issues.push({ path: formatIssuePath([...issue.path, key]), message: "unknown field" });
      }
    } else {
      issues.push({ path: formatIssuePath(issue.path), message: issue.message });
    }
  }
  return issues;
}

export type ParseGatewayConfigResult =
  { ok: true; config: GatewayConfig } | { ok: false; issues: ConfigIssue[] };

/** Validates a candidate revision; never throws on bad input. */
export function parseGatewayConfig(input: unknown): ParseGatewayConfigResult {
  const result = gatewayConfigSchema.safeParse(input);
  return result.success
    ? { ok: true, config: result.data }
    : { ok: false, issues: formatConfigIssues(result.error) };
}

/**
 * The body of every response the gateway itself produces (as opposed to passing on an upstream's):
 * 400 bad_request, 404 no_route, 429 rate_limited, 502 upstream_error, 503 no_healthy_target /
 * circuit_open / not_ready, 504 upstream_timeout.
 */
export const gatewayErrorCodes = [
  "bad_request",
  "not_ready",
  "no_route",
  "rate_limited",
  "no_healthy_target",
  "circuit_open",
  "upstream_error",
  "upstream_timeout",
] as const;
export type GatewayErrorCode = (typeof gatewayErrorCodes)[number];

export const gatewayErrorBodySchema = z.object({
  error: z.object({ code: z.enum(gatewayErrorCodes), message: z.string(), requestId: z.string() }),
});
export type GatewayErrorBody = z.infer<typeof gatewayErrorBodySchema>;
