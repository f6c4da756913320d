import { describe, expect, it } from "vitest";
import { UsageError } from "../cli";
import { seedFromString } from "../rng";
import { parseServiceFlags } from "./flags";

const base = ["--service", "users", "--port", "4101", "--instance-id", "users-1"];

function usageMessage(argv: string[]): string {
  try {
    parseServiceFlags(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("expected a UsageError");
}

describe("parseServiceFlags", () => {
  it("parses a users replica with defaults", () => {
    expect(parseServiceFlags(base)).toEqual({
      service: "users",
      version: "v1",
      port: 4101,
      host: "127.0.0.1",
      instanceId: "users-1",
      usersUrls: [],
      productsUrls: [],
      faultSeed: seedFromString("users-1"),
    });
  });

  it("parses an orders replica with several downstream URLs", () => {
    const flags = parseServiceFlags([
      ...["--service", "orders", "--version", "v2", "--port", "0", "--instance-id", "orders-v2-1"],
      ...[
        "--users-url",
        "http://127.0.0.1:4101,http://127.0.0.1:4102",
        "--products-url",
        "http://127.0.0.1:8080/api",
      ],
      ...["--fault-seed", "7"],
    ]);
    expect(flags.usersUrls).toEqual(["http://127.0.0.1:4101", "http://127.0.0.1:4102"]);
    expect(flags.productsUrls).toEqual(["http://127.0.0.1:8080/api"]);
    expect(flags.version).toBe("v2");
    expect(flags.faultSeed).toBe(7);
  });

  it.each([
    [["--port", "4101", "--instance-id", "x"], "--service: is required"],
    [["--service", "carts", "--port", "1", "--instance-id", "x"], "--service"],
    [[...base.slice(0, 2), "--port", "70000", "--instance-id", "x"], "--port"],
    [[...base.slice(0, 2), "--port", "abc", "--instance-id", "x"], "--port: expected an integer"],
    [[...base, "--version", "v3"], "--version"],
    [[...base, "--host", "example.com"], "--host"],
    [[...base.slice(0, 4), "--instance-id", "bad id!"], "--instance-id"],
    [[...base, "--users-url", "http://127.0.0.1:1"], "--users-url: only applies to --service orders"],
    [
      ["--service", "orders", "--port", "1", "--instance-id", "o", "--products-url", "http://a"],
      "--users-url: is required",
    ],
    [[...base, "--fault-seed", "-1"], "--fault-seed"],
    [[...base, "--colour", "red"], "--colour"],
  ])("rejects %j naming the flag", (argv, expected) => {
    expect(usageMessage(argv)).toContain(expected);
  });

  it("rejects a non-http downstream URL", () => {
    const argv = ["--service", "orders", "--port", "1", "--instance-id", "o"];
    expect(usageMessage([...argv, "--users-url", "ftp://x", "--products-url", "http://a"])).toContain(
      "--users-url",
    );
  });
});
