import { describe, expect, it } from "vitest";
import { parseRequestTarget } from "./request-target";

describe("parseRequestTarget", () => {
  it("splits path and query without touching plain paths", () => {
    expect(parseRequestTarget("/api/users/5?x=1&y=2")).toEqual({
      ok: true,
      path: "/api/users/5",
      query: "?x=1&y=2",
    });
    expect(parseRequestTarget("/")).toEqual({ ok: true, path: "/", query: "" });
    expect(parseRequestTarget("/.well-known/acme")).toEqual({
      ok: true,
      path: "/.well-known/acme",
      query: "",
    });
  });

  it("keeps duplicate slashes as sent", () => {
    expect(parseRequestTarget("//api//users")).toEqual({ ok: true, path: "//api//users", query: "" });
  });

  it("decodes unreserved escapes and upper-cases the rest, so routing and upstream agree", () => {
    expect(parseRequestTarget("/api/%75sers/%7e%41?q=%2f")).toEqual({
      ok: true,
      path: "/api/users/~A",
      query: "?q=%2f",
    });
    expect(parseRequestTarget("/files/a%20b%c3%a9")).toEqual({
      ok: true,
      path: "/files/a%20b%C3%A9",
      query: "",
    });
  });

  it("refuses dot segments, literal or encoded", () => {
    for (const target of [
      "/api/../admin",
      "/api/./x",
      "/api/%2e%2e/admin",
      "/api/.%2E/admin",
      "/..",
      "/a/%2E",
    ]) {
      expect(parseRequestTarget(target)).toEqual({ ok: false, reason: "dot segment in path" });
    }
  });

  it("refuses encoded slashes, backslashes, NUL and broken escapes", () => {
    expect(parseRequestTarget("/api%2Fadmin")).toMatchObject({ ok: false, reason: "encoded slash in path" });
    expect(parseRequestTarget("/api%5cadmin")).toMatchObject({ ok: false, reason: "encoded slash in path" });
    expect(parseRequestTarget("/api\\admin")).toMatchObject({ ok: false, reason: "backslash in path" });
    expect(parseRequestTarget("/a%00b")).toMatchObject({ ok: false, reason: "encoded NUL in path" });
    expect(parseRequestTarget("/a%zz")).toMatchObject({
      ok: false,
      reason: "malformed percent-encoding in path",
    });
    expect(parseRequestTarget("/a%4")).toMatchObject({ ok: false });
  });

  it("reduces absolute-form targets to path and query", () => {
    expect(parseRequestTarget("http://shop.example/api/x?y=1")).toEqual({
      ok: true,
      path: "/api/x",
      query: "?y=1",
    });
    expect(parseRequestTarget("http://shop.example")).toEqual({ ok: true, path: "/", query: "" });
    expect(parseRequestTarget("http://shop.example?y=1")).toEqual({ ok: true, path: "/", query: "?y=1" });
    expect(parseRequestTarget("*")).toMatchObject({ ok: false });
  });
});
