import { z } from "zod";
import { rateLimitKeySchema, rateLimitSchema, type RateLimitPolicy } from "./gateway-config";

/**
 * A route's rate limit as the fields a person edits on the Traffic page: flat, so an error names the field
 * itself (`keyHeader`, not `key.name`). Each field is judged by the gateway's own rule for it
 * (`rateLimitSchema`), so the form, the tRPC input and the agents agree on what is valid.
 */

/** What a limit is when nothing is said: the gateway's defaults (100 per second, burst 50, per client IP). */
export const RATE_LIMIT_DEFAULTS: RateLimitPolicy = rateLimitSchema.parse({});

export const rateLimitKeyTypes = ["ip", "header", "api_key"] as const;
export type RateLimitKeyType = (typeof rateLimitKeyTypes)[number];

/** The header an `api_key` limit reads when none is named. */
export const DEFAULT_API_KEY_HEADER = "x-api-key";

const policyFields = rateLimitSchema.shape;

/** The bucket's numbers, each judged by the gateway's own rule for it. */
export const rateLimitNumberShape = {
  average: policyFields.average.unwrap(),
  burst: policyFields.burst.unwrap(),
  periodMs: policyFields.periodMs.unwrap(),
};

export interface RateLimitFields {
  average: number;
  burst: number;
  periodMs: number;
  keyType: RateLimitKeyType;
  keyHeader: string;
  shared: boolean;
}

function keyOf(
  keyType: RateLimitKeyType,
  keyHeader: string,
): RateLimitPolicy["key"] | Record<string, string> {
  if (keyType === "ip") return { type: "ip" };
  if (keyType === "header") return { type: "header", name: keyHeader };
  return keyHeader === "" ? { type: "api_key" } : { type: "api_key", header: keyHeader };
}

/**
 * What a bucket is per and whether it is shared. The header name is judged with the key schema the agents
 * use. Kept apart from the numbers (and joined with `.and`) so its check runs even while a number is
 * wrong, and every field's problem shows at once.
 */
export const rateLimitKeyFieldsSchema = z
  .object({
    keyType: z.enum(rateLimitKeyTypes, { error: "Choose client IP, a header or an API key" }),
    /** The header counted by (`header`, required) or holding the API key (`api_key`, default x-api-key). */
    keyHeader: z.string().trim(),
    shared: z.boolean(),
  })
  .superRefine(({ keyType, keyHeader }, ctx) => {
    if (keyType === "ip") return;
    if (keyType === "header" && keyHeader === "") {
      ctx.addIssue({ code: "custom", path: ["keyHeader"], message: "Name the header to count requests by" });
      return;
    }
    const parsed = rateLimitKeySchema.safeParse(keyOf(keyType, keyHeader));
    if (!parsed.success) {
      ctx.addIssue({ code: "custom", path: ["keyHeader"], message: parsed.error.issues[0]!.message });
    }
  });

/** The policy as a revision stores it; every field is written, so the revision says exactly what applies. */
export function rateLimitFromFields(fields: RateLimitFields): RateLimitPolicy {
  return {
    average: fields.average,
    burst: fields.burst,
    periodMs: fields.periodMs,
    key: keyOf(fields.keyType, fields.keyHeader) as RateLimitPolicy["key"],
    shared: fields.shared,
  };
}

/** A text field holding a number, judged by the gateway's rule for that field once it is one. */
const numberText = (schema: z.ZodNumber) =>
  z
    .string()
    .trim()
    .min(1, "Required")
    .pipe(z.coerce.number<string>({ error: "Enter a number" }).pipe(schema));

/** The editor's values as people type them; parses to {@link RateLimitFields}. */
export const rateLimitFormSchema = z
  .object({
    average: numberText(rateLimitNumberShape.average),
    burst: numberText(rateLimitNumberShape.burst),
    periodMs: numberText(rateLimitNumberShape.periodMs),
  })
  .and(rateLimitKeyFieldsSchema);

// A type alias rather than an interface: forms need it to be assignable to Record<string, unknown>.
export type RateLimitFormValues = {
  average: string;
  burst: string;
  periodMs: string;
  keyType: RateLimitKeyType;
  keyHeader: string;
  shared: boolean;
};

/** A route's current limit (with defaults applied) as the editor's values; the defaults when it has none. */
export function rateLimitToForm(policy: RateLimitPolicy | undefined): RateLimitFormValues {
  const { average, burst, periodMs, key, shared } = policy ?? RATE_LIMIT_DEFAULTS;
  return {
    average: String(average),
    burst: String(burst),
    periodMs: String(periodMs),
    keyType: key.type,
    keyHeader: key.type === "header" ? key.name : key.type === "api_key" ? key.header : "",
    shared,
  };
}

/** "100 per 1 s, burst 50, per client IP": a limit in one line, for people reading the page. */
export function describeRateLimit(policy: RateLimitPolicy): string {
  const period = policy.periodMs % 1000 === 0 ? `${policy.periodMs / 1000} s` : `${policy.periodMs} ms`;
  const key =
    policy.key.type === "ip"
      ? "per client IP"
      : policy.key.type === "header"
        ? `per header ${policy.key.name}`
        : `per API key (${policy.key.header})`;
  return `${policy.average} per ${period}, burst ${policy.burst}, ${key}`;
}
