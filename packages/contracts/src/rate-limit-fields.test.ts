import { describe, expect, it } from "vitest";
import { rateLimitSchema } from "./gateway-config";
import {
  RATE_LIMIT_DEFAULTS,
  describeRateLimit,
  rateLimitFormSchema,
  rateLimitFromFields,
  rateLimitToForm,
} from "./rate-limit-fields";
import { setRateLimitInput } from "./traffic";

const form = (changes: Partial<ReturnType<typeof rateLimitToForm>> = {}) => ({
  ...rateLimitToForm(undefined),
  ...changes,
});

function fieldErrors(input: unknown, schema: typeof rateLimitFormSchema | typeof setRateLimitInput) {
  const result = schema.safeParse(input);
  if (result.success) return {};
  return Object.fromEntries(result.error.issues.map((issue) => [String(issue.path[0]), issue.message]));
}

describe("rate limit fields", () => {
  it("start from the gateway's defaults and turn back into the same policy", () => {
    expect(RATE_LIMIT_DEFAULTS).toEqual({
      average: 100,
      burst: 50,
      periodMs: 1000,
      key: { type: "ip" },
      shared: false,
    });
    const parsed = rateLimitFormSchema.parse(form());
    expect(rateLimitFromFields(parsed)).toEqual(RATE_LIMIT_DEFAULTS);
  });

  it("make a shared per-header policy the agents accept", () => {
    const parsed = rateLimitFormSchema.parse(
      form({
        average: "1",
        periodMs: "60000",
        burst: "3",
        keyType: "header",
        keyHeader: " X-Tenant ",
        shared: true,
      }),
    );
    const policy = rateLimitFromFields(parsed);
    expect(policy).toEqual({
      average: 1,
      burst: 3,
      periodMs: 60_000,
      key: { type: "header", name: "X-Tenant" },
      shared: true,
    });
    expect(rateLimitSchema.parse(policy).key).toEqual({ type: "header", name: "x-tenant" });
    expect(rateLimitToForm(rateLimitSchema.parse(policy))).toMatchObject({
      keyType: "header",
      keyHeader: "x-tenant",
    });
  });

  it("name each bad field, all at once", () => {
    expect(
      fieldErrors(
        form({ average: "0", burst: "1.5", periodMs: "", keyType: "header", keyHeader: "" }),
        rateLimitFormSchema,
      ),
    ).toEqual({
      average: "must be greater than 0",
      burst: "must be a whole number",
      periodMs: "Required",
      keyHeader: "Name the header to count requests by",
    });
    expect(fieldErrors(form({ keyType: "header", keyHeader: "x tenant" }), rateLimitFormSchema)).toEqual({
      keyHeader: "must be a valid HTTP header name",
    });
    expect(fieldErrors(form({ average: "lots" }), rateLimitFormSchema)).toEqual({
      average: "Enter a number",
    });
  });

  it("let an API key limit use the default header, and ignore the header name for client IPs", () => {
    const apiKey = rateLimitFromFields(
      rateLimitFormSchema.parse(form({ keyType: "api_key", keyHeader: "" })),
    );
    expect(rateLimitSchema.parse(apiKey).key).toEqual({ type: "api_key", header: "x-api-key" });
    const ip = rateLimitFromFields(rateLimitFormSchema.parse(form({ keyType: "ip", keyHeader: "x tenant" })));
    expect(ip.key).toEqual({ type: "ip" });
  });

  it("are checked the same way in the tRPC input, naming the field", () => {
    const base = { groupId: "g1", baseNumber: 3, routeId: "orders" };
    const fields = { average: 10, burst: 5, periodMs: 1000, shared: true };
    expect(fieldErrors({ ...base, ...fields, keyType: "header", keyHeader: "" }, setRateLimitInput)).toEqual({
      keyHeader: "Name the header to count requests by",
    });
    expect(
      fieldErrors({ ...base, ...fields, burst: 0, keyType: "ip", keyHeader: "" }, setRateLimitInput),
    ).toEqual({
      burst: "must be greater than 0",
    });
    expect(setRateLimitInput.safeParse({ ...base, ...fields, keyType: "ip", keyHeader: "" }).success).toBe(
      true,
    );
  });

  it("read as one line", () => {
    expect(describeRateLimit(RATE_LIMIT_DEFAULTS)).toBe("100 per 1 s, burst 50, per client IP");
    expect(
      describeRateLimit({
        average: 1,
        burst: 3,
        periodMs: 1500,
        key: { type: "header", name: "x-tenant" },
        shared: true,
      }),
    ).toBe("1 per 1500 ms, burst 3, per header x-tenant");
    expect(describeRateLimit({ ...RATE_LIMIT_DEFAULTS, key: { type: "api_key", header: "x-api-key" } })).toBe(
      "100 per 1 s, burst 50, per API key (x-api-key)",
    );
  });
});
