import { describe, expect, it } from "vitest";
import { createAlertRuleInput, createAlertSilenceInput, createNotificationChannelInput } from "./alerting";

const rule = {
  name: "Orders errors",
  service: "orders",
  signal: "ERROR_RATE",
  threshold: 0.05,
  windowSeconds: 30,
  forSeconds: 0,
} as const;

function fieldErrors(result: { success: boolean; error?: { flatten(): { fieldErrors: object } } }) {
  return result.success ? {} : result.error!.flatten().fieldErrors;
}

describe("alert rule input", () => {
  it("accepts a rule and fills the defaults", () => {
    const parsed = createAlertRuleInput.parse(rule);
    expect(parsed).toMatchObject({ comparison: "ABOVE", severity: "WARNING", enabled: true, route: null });
  });

  it("names the threshold when it is out of the signal's range", () => {
    expect(fieldErrors(createAlertRuleInput.safeParse({ ...rule, threshold: 5 }))).toHaveProperty(
      "threshold",
    );
    expect(
      fieldErrors(createAlertRuleInput.safeParse({ ...rule, signal: "P99_LATENCY", threshold: 0 })),
    ).toHaveProperty("threshold");
  });

  it("refuses a window shorter than the evaluation period, naming the window", () => {
    const errors = fieldErrors(createAlertRuleInput.safeParse({ ...rule, windowSeconds: 5 }));
    expect(errors).toEqual({ windowSeconds: [expect.stringContaining("evaluation period")] });
  });
});

describe("Slack channel input", () => {
  it.each([
    ["https://hooks.slack.com/services/T0/B0/abc", true],
    ["http://127.0.0.1:4010/services/T0/B0/abc", true],
    ["http://slack-receiver:4010/hook", true],
    ["http://hooks.slack.com/services/T0/B0/abc", false],
    ["https://user:pw@hooks.slack.com/services/x", false],
    ["ftp://hooks.slack.com/x", false],
    ["not a url", false],
  ])("%s -> %s", (webhookUrl, ok) => {
    const result = createNotificationChannelInput.safeParse({ name: "alerts", webhookUrl });
    expect(result.success).toBe(ok);
    if (!ok) expect(fieldErrors(result)).toHaveProperty("webhookUrl");
  });
});

describe("silence input", () => {
  it("needs a rule or a scope", () => {
    const errors = fieldErrors(createAlertSilenceInput.safeParse({ reason: "deploy", durationMinutes: 30 }));
    expect(errors).toHaveProperty("ruleId");
  });
});
