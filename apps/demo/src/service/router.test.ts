import { describe, expect, it } from "vitest";
import { createRouter, type Route } from "./router";

const handler: Route["handler"] = async () => ({ status: 200, body: {} });
const routes: Route[] = [
  { method: "GET", pattern: "/orders", handler },
  { method: "GET", pattern: "/orders/:id", handler },
  { method: "POST", pattern: "/orders", handler },
];

describe("createRouter", () => {
  const route = createRouter(routes);

  it("matches exact paths and extracts parameters", () => {
    expect(route("GET", "/orders")).toMatchObject({ kind: "found", route: routes[0] });
    expect(route("POST", "/orders/")).toMatchObject({ kind: "found", route: routes[2] });
    expect(route("GET", "/orders/ord_9001")).toMatchObject({ kind: "found", params: { id: "ord_9001" } });
    expect(route("GET", "/orders/a%20b")).toMatchObject({ params: { id: "a b" } });
  });

  it("separates unknown paths from wrong methods", () => {
    expect(route("GET", "/orders/1/items")).toEqual({ kind: "not_found" });
    expect(route("GET", "/ordersx")).toEqual({ kind: "not_found" });
    expect(route("DELETE", "/orders")).toEqual({ kind: "method_not_allowed", allow: ["GET", "POST"] });
  });

  it("treats a malformed escape as not found rather than throwing", () => {
    expect(route("GET", "/orders/%E0%A4%A")).toEqual({ kind: "not_found" });
  });
});
