import { describe, expect, it } from "vitest";
import { findHeader, forwardableResponseHeaders, removeFields, scanRequestHeaders } from "./raw-headers";

describe("scanRequestHeaders", () => {
  it("drops hop-by-hop fields and those named in Connection", () => {
    const head = scanRequestHeaders([
      "Host",
      "shop.example",
      "Connection",
      "keep-alive, X-Secret",
      "X-Secret",
      "1",
      "Keep-Alive",
      "timeout=5",
      "Proxy-Authorization",
      "Basic x",
      "Proxy-Connection",
      "keep-alive",
      "Upgrade",
      "websocket",
      "TE",
      "gzip",
      "Trailer",
      "x",
      "Expect",
      "100-continue",
      "X-Forwarded-Proto",
      "https",
      "Accept",
      "application/json",
      "Transfer-Encoding",
      "chunked",
    ]);
    expect(head.forward).toEqual(["Host", "shop.example", "Accept", "application/json"]);
    expect(head.chunked).toBe(true);
    expect(head.host).toBe("shop.example");
  });

  it("keeps te: trailers and collects the fields the gateway rewrites", () => {
    const head = scanRequestHeaders([
      "te",
      "trailers",
      "x-request-id",
      "abc",
      "traceparent",
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      "X-Forwarded-For",
      "1.1.1.1",
      "x-forwarded-for",
      "2.2.2.2",
      "Content-Length",
      "5",
      "Cookie",
      "a=1",
      "cookie",
      "b=2",
    ]);
    expect(head.forward).toEqual(["te", "trailers", "Content-Length", "5", "Cookie", "a=1", "cookie", "b=2"]);
    expect(head.requestId).toBe("abc");
    expect(head.traceparent).toContain("0af765");
    expect(head.forwardedFor).toBe("1.1.1.1, 2.2.2.2");
    expect(head.contentLength).toBe("5");
    expect(head.cookie).toBe("a=1; b=2");
  });

  it("keeps only the first Host and Content-Length", () => {
    const head = scanRequestHeaders(["Host", "a", "Host", "b", "Content-Length", "1", "content-length", "1"]);
    expect(head.forward).toEqual(["Host", "a", "Content-Length", "1"]);
  });
});

describe("forwardableResponseHeaders", () => {
  it("converts buffers and strips hop-by-hop fields and the upstream's request id", () => {
    const raw = [
      "Content-Type",
      "text/plain",
      "Connection",
      "close, X-Internal",
      "X-Internal",
      "1",
      "Transfer-Encoding",
      "chunked",
      "Keep-Alive",
      "timeout=5",
      "Proxy-Authenticate",
      "Basic",
      "X-Request-Id",
      "upstream",
      "Set-Cookie",
      "a=1",
      "Set-Cookie",
      "b=2",
    ].map((text) => Buffer.from(text, "latin1"));
    const head = { contentLength: 0 };
    expect(forwardableResponseHeaders(raw, [], head)).toEqual([
      "Content-Type",
      "text/plain",
      "Set-Cookie",
      "a=1",
      "Set-Cookie",
      "b=2",
    ]);
    expect(head.contentLength).toBe(-1);
    expect(forwardableResponseHeaders([Buffer.from("Content-Length"), Buffer.from("12")], [], head)).toEqual([
      "Content-Length",
      "12",
    ]);
    expect(head.contentLength).toBe(12);
  });
});

describe("helpers", () => {
  it("finds headers case-insensitively and removes fields", () => {
    expect(findHeader(["X-Canary", "true"], "x-canary")).toBe("true");
    expect(findHeader(["X-Canary", "true"], "x-other")).toBeUndefined();
    expect(removeFields(["A", "1", "b", "2", "B", "3"], ["b"])).toEqual(["A", "1"]);
  });
});
