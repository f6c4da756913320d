import { describe, expect, it } from "vitest";
import { silences, type SilenceLike } from "./silences";

const now = new Date("2026-11-21T19:00:00Z");
const active = { startsAt: new Date("2026-11-21T18:00:00Z"), endsAt: new Date("2026-11-21T20:00:00Z") };
const incident = { ruleId: "r1", service: "orders", route: null, version: "v2" };
const silence = (over: Partial<SilenceLike>): SilenceLike => ({
  ruleId: null,
  service: null,
  route: null,
  version: null,
  ...active,
  ...over,
});

describe("silences", () => {
  it("matches by rule, or by scope fields that equal the incident's", () => {
    expect(silences(silence({ ruleId: "r1" }), incident, now)).toBe(true);
    expect(silences(silence({ ruleId: "r2" }), incident, now)).toBe(false);
    expect(silences(silence({ service: "orders" }), incident, now)).toBe(true);
    expect(silences(silence({ service: "orders", version: "v1" }), incident, now)).toBe(false);
    expect(silences(silence({ service: "users" }), incident, now)).toBe(false);
  });

  it("does not let a narrower silence mute a wider incident", () => {
    expect(silences(silence({ service: "orders", route: "POST /orders" }), incident, now)).toBe(false);
  });

  it("only holds while active", () => {
    expect(silences(silence({ ruleId: "r1", endsAt: now }), incident, now)).toBe(false);
    expect(silences(silence({ ruleId: "r1", startsAt: new Date(now.getTime() + 1) }), incident, now)).toBe(
      false,
    );
  });
});
