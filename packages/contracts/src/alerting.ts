import { z } from "zod";
import { idSchema } from "./control-plane";

/**
 * Alerting inputs shared by the tRPC routers, the web forms and the worker: rules, notification channels,
 * silences, incident actions. Units on the wire: error rate is a ratio (0.05 = 5 %), latency in ms,
 * request rate per second, agent silence in seconds.
 */

export const alertSignals = [
  "ERROR_RATE",
  "P95_LATENCY",
  "P99_LATENCY",
  "REQUEST_RATE",
  "NO_HEALTHY_TARGET",
  "AGENT_SILENT",
  "CANARY_ROLLED_BACK",
] as const;
export const alertSignalSchema = z.enum(alertSignals);
export type AlertSignal = z.infer<typeof alertSignalSchema>;

export const alertComparisonSchema = z.enum(["ABOVE", "BELOW"]);
export const alertSeveritySchema = z.enum(["CRITICAL", "WARNING", "INFO"]);
export const incidentStateSchema = z.enum(["PENDING", "FIRING", "RESOLVED"]);

/** The evaluator's period: a window shorter than this would skip data between two evaluations. */
export const alertEvaluationPeriodSeconds = 10;

/** Per signal: the threshold's unit and the range a person may set, so nonsense is refused by name. */
export const alertThresholdRanges: Record<AlertSignal, { min: number; max: number; unit: string }> = {
  ERROR_RATE: { min: 0, max: 1, unit: "ratio" },
  P95_LATENCY: { min: 1, max: 600_000, unit: "ms" },
  P99_LATENCY: { min: 1, max: 600_000, unit: "ms" },
  REQUEST_RATE: { min: 0, max: 1_000_000, unit: "req/s" },
  /** The number of healthy targets a service's pool must keep; fires below it. */
  NO_HEALTHY_TARGET: { min: 1, max: 1_000, unit: "targets" },
  AGENT_SILENT: { min: alertEvaluationPeriodSeconds, max: 86_400, unit: "s" },
  /** Automatic canary rollbacks in the window; fires above it (0 = any rollback). */
  CANARY_ROLLED_BACK: { min: 0, max: 100, unit: "rollbacks" },
};

const scopeValue = z
  .string()
  .trim()
  .max(200, "Use at most 200 characters")
  .transform((value) => (value === "" ? null : value))
  .nullable()
  .default(null);

/** Which traffic a rule or silence covers; null means any. */
export const alertScopeSchema = z.object({
  service: scopeValue,
  route: scopeValue,
  version: scopeValue,
});

const ruleFields = z.object({
  name: z.string().trim().min(2, "Use at least 2 characters").max(80, "Use at most 80 characters"),
  enabled: z.boolean().default(true),
  ...alertScopeSchema.shape,
  signal: alertSignalSchema,
  comparison: alertComparisonSchema.default("ABOVE"),
  threshold: z.number({ error: "Enter a number" }).finite("Enter a number"),
  windowSeconds: z
    .number({ error: "Enter a number of seconds" })
    .int("Use whole seconds")
    .min(
      alertEvaluationPeriodSeconds,
      `Use a window of at least ${alertEvaluationPeriodSeconds} s, the evaluation period`,
    )
    .max(86_400, "Use a window of at most 24 h"),
  forSeconds: z
    .number({ error: "Enter a number of seconds" })
    .int("Use whole seconds")
    .min(0, "Use 0 or more seconds")
    .max(86_400, "Use at most 24 h"),
  severity: alertSeveritySchema.default("WARNING"),
  channelIds: z.array(idSchema).max(20, "Use at most 20 channels").default([]),
});

function checkThreshold(rule: { signal: AlertSignal; threshold: number }, ctx: z.RefinementCtx) {
  const range = alertThresholdRanges[rule.signal];
  if (rule.threshold < range.min || rule.threshold > range.max) {
    ctx.addIssue({
      code: "custom",
      path: ["threshold"],
      message: `For ${rule.signal.toLowerCase().replaceAll("_", " ")} use ${range.min} to ${range.max} (${range.unit})`,
    });
  }
}

export const createAlertRuleInput = ruleFields.superRefine(checkThreshold);
export const updateAlertRuleInput = ruleFields.extend({ id: idSchema }).superRefine(checkThreshold);
export type CreateAlertRuleInput = z.infer<typeof createAlertRuleInput>;

/** Rule templates from the design brief, offered in the rule form. */
export const alertRuleTemplates = [
  {
    name: "High error rate",
    signal: "ERROR_RATE",
    threshold: 0.05,
    windowSeconds: 60,
    forSeconds: 60,
    severity: "CRITICAL",
  },
  {
    name: "Slow p99",
    signal: "P99_LATENCY",
    threshold: 1_000,
    windowSeconds: 300,
    forSeconds: 300,
    severity: "WARNING",
  },
  {
    name: "No healthy upstream",
    signal: "NO_HEALTHY_TARGET",
    threshold: 1,
    windowSeconds: 30,
    forSeconds: 0,
    severity: "CRITICAL",
    comparison: "BELOW",
  },
  {
    name: "Agent silent",
    signal: "AGENT_SILENT",
    threshold: 60,
    windowSeconds: 60,
    forSeconds: 0,
    severity: "WARNING",
  },
  {
    name: "Canary rolled back",
    signal: "CANARY_ROLLED_BACK",
    threshold: 0,
    windowSeconds: 300,
    forSeconds: 0,
    severity: "WARNING",
  },
] as const satisfies ReadonlyArray<Partial<z.input<typeof createAlertRuleInput>>>;

function isLocalHost(hostname: string) {
  return (
    hostname === "localhost" || hostname === "[::1]" || /^127\./.test(hostname) || !hostname.includes(".")
  );
}

/**
 * A Slack incoming-webhook URL. https is required except for local receivers (loopback or a single-label
 * host such as a compose service), which is what the demo's stand-in for Slack uses.
 */
export const slackWebhookUrlSchema = z
  .string()
  .trim()
  .min(1, "Enter the webhook URL Slack gave you")
  .max(500, "Use at most 500 characters")
  .refine((raw) => URL.canParse(raw), "Enter a full URL, such as https://hooks.slack.com/services/…")
  .refine((raw) => {
    if (!URL.canParse(raw)) return true;
    const url = new URL(raw);
    if (url.username || url.password) return false;
    return url.protocol === "https:" || (url.protocol === "http:" && isLocalHost(url.hostname));
  }, "Use an https URL without credentials (plain http only for a local receiver)");

export const createNotificationChannelInput = z.object({
  name: z.string().trim().min(2, "Use at least 2 characters").max(80, "Use at most 80 characters"),
  kind: z.literal("slack").default("slack"),
  webhookUrl: slackWebhookUrlSchema,
});

export const updateNotificationChannelInput = z.object({
  id: idSchema,
  name: createNotificationChannelInput.shape.name.optional(),
  /** Absent: keep the stored secret. */
  webhookUrl: slackWebhookUrlSchema.optional(),
});

export const createAlertSilenceInput = alertScopeSchema
  .extend({
    ruleId: idSchema.nullable().default(null),
    reason: z.string().trim().min(2, "Say why, in a few words").max(200, "Use at most 200 characters"),
    durationMinutes: z
      .number({ error: "Enter a number of minutes" })
      .int("Use whole minutes")
      .min(1, "Silence for at least 1 minute")
      .max(7 * 24 * 60, "Silence for at most 7 days"),
  })
  .refine((s) => s.ruleId !== null || s.service !== null || s.route !== null || s.version !== null, {
    path: ["ruleId"],
    message: "Choose a rule or a scope to silence",
  });

export const listIncidentsInput = z
  .object({
    state: z.enum(["open", "resolved", "all"]).default("all"),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .default({ state: "all", limit: 50 });

export const setAlertRuleEnabledInput = z.object({ id: idSchema, enabled: z.boolean() });

/** The messages delivered (or tried) to one channel, newest first, for the channel page. */
export const listChannelDeliveriesInput = z.object({
  channelId: idSchema,
  limit: z.number().int().min(1).max(100).default(25),
});
