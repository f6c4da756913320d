import { describe, expect, it } from "vitest";
import { generateAgentToken, hashAgentToken } from "./agent-token";

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
