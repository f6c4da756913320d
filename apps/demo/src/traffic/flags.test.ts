import { describe, expect, it } from "vitest";
import { parseTrafficFlags } from "./flags";

const target = ["--target", "http://127.0.0.1:8080"];

describe("parseTrafficFlags", () => {
  it("parses durations, counts and repeated headers", () => {
    expect(
      parseTrafficFlags([
        ...target,
        ...["--rps", "12.5", "--duration", "1.5m", "--count", "100", "--seed", "9"],
        ...["--header", "x-canary: true", "--header", "authorization:Bearer a:b"],
      ]),
    ).toMatchObject({
      target: "http://127.0.0.1:8080",
      rps: 12.5,
      durationMs: 90_000,
      count: 100,
      seed: 9,
      headers: { "x-canary": "true", authorization: "Bearer a:b" },
    });
    expect(parseTrafficFlags([...target, "--duration", "500ms"]).durationMs).toBe(500);
    expect(parseTrafficFlags([...target, "--duration", "30"]).durationMs).toBe(30_000);
  });

  it.each([
    [["--count", "10"], "--target: is required"],
    [[...target], "--duration: set a duration or a request count"],
    [[...target, "--count", "0"], "--count"],
    [[...target, "--count", "2000000"], "--count"],
    [[...target, "--duration", "2h"], "--duration"],
    [[...target, "--duration", "soon"], "--duration: expected a duration"],
    [[...target, "--count", "1", "--rps", "5000"], "--rps"],
    [[...target, "--count", "1", "--rps", "fast"], "--rps"],
    [[...target, "--count", "1", "--header", "novalue"], "--header: expected NAME:VALUE"],
    [[...target, "--count", "1", "--header", "content-length:5"], "--header"],
    [[...target, "--count", "1", "--path-prefix", "api"], "--path-prefix"],
    [[...target, "--count", "1", "--concurrency", "100000"], "--concurrency"],
    [["--target", "file:///etc/passwd", "--count", "1"], "--target"],
  ])("rejects %j naming the flag", (argv, expected) => {
    expect(() => parseTrafficFlags(argv)).toThrow(expected);
  });
});
