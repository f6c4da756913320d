import { describe, expect, it } from "vitest";
import { safeNextPath } from "./safe-next-path";

describe("safeNextPath", () => {
  it("keeps same-site paths", () => {
    expect(safeNextPath("/o/demo/agents?x=1")).toBe("/o/demo/agents?x=1");
  });
  it.each([null, "", "https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)"])(
    "sends %s home",
    (next) => expect(safeNextPath(next)).toBe("/"),
  );
});
