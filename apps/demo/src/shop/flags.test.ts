import { describe, expect, it } from "vitest";
import { parseShopFlags } from "./flags";

describe("parseShopFlags", () => {
  it("maps flags onto startShop options", () => {
    expect(
      parseShopFlags([
        ...["--replicas", "3", "--users-port", "0", "--orders-v2-port", "5311"],
        ...["--users-url", "http://127.0.0.1:8080/api", "--ready-timeout-ms", "5000"],
      ]),
    ).toMatchObject({
      replicas: 3,
      ports: { users: 0, ordersV2: 5311 },
      usersUrl: "http://127.0.0.1:8080/api",
      readyTimeoutMs: 5000,
    });
  });

  it.each([
    [["--replicas", "0"], "--replicas"],
    [["--users-port", "x"], "--users-port: expected an integer"],
    [["--products-port", "4101"], "--products-port: port 4101 is also used by users"],
    [["--orders-v1-port", "4311"], "--orders-v2-port"],
    [["--products-url", "ftp://x"], "--products-url"],
    [["--ready-timeout-ms", "1"], "--ready-timeout-ms"],
    [["--replica", "2"], "--replica"],
  ])("rejects %j naming the flag", (argv, expected) => {
    expect(() => parseShopFlags(argv)).toThrow(expected);
  });
});
