import { describe, expect, it } from "vitest";
import { parseCliArgs } from "./cli-args";

describe("parseCliArgs", () => {
  it("reads --config and -c", () => {
    expect(parseCliArgs(["--config", "gw.yaml"])).toEqual({ kind: "run", configPath: "gw.yaml" });
    expect(parseCliArgs(["-c", "gw.json"])).toEqual({ kind: "run", configPath: "gw.json" });
    expect(parseCliArgs(["--help"])).toEqual({ kind: "help" });
  });

  it("names the flag that is wrong", () => {
    expect(parseCliArgs([])).toEqual({ kind: "error", message: "--config is required" });
    expect(parseCliArgs(["--config", " "])).toEqual({ kind: "error", message: "--config needs a file path" });
    const unknown = parseCliArgs(["--config", "a", "--port", "1"]);
    expect(unknown.kind === "error" && unknown.message).toContain("--port");
    const missingValue = parseCliArgs(["--config"]);
    expect(missingValue.kind === "error" && missingValue.message).toContain("--config");
    const stray = parseCliArgs(["--config", "a", "extra"]);
    expect(stray.kind === "error" && stray.message).toContain("extra");
  });
});
