import { describe, expect, it } from "vitest";
import { bearerToken, generateAgentToken, hashAgentToken } from "./agent-token";

describe("agent tokens", () => {
  it("are random, prefixed, and stored only as a hash that matches", () => {
    const a = generateAgentToken();
    const b = generateAgentToken();
    expect(a.token).toMatch(/^sy_agt_[A-Za-z0-9_-]{43}$/);
    expect(a.token).not.toEqual(b.token);
    expect(a.hash).toEqual(hashAgentToken(a.token));
    expect(a.hash).not.toContain(a.token);
    expect(a.token.startsWith(a.displayPrefix)).toBe(true);
  });
});

describe("bearerToken", () => {
  it.each([
    ["Bearer sy_agt_abc", "sy_agt_abc"],
    ["bearer   sy_agt_abc  ", "sy_agt_abc"],
    ["Basic abc", null],
    ["Bearer", null],
    ["", null],
    [null, null],
  ])("reads %j", (header, token) => expect(bearerToken(header)).toBe(token));
});
