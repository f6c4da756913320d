import { spawn } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Recorder, startRecorder } from "../testing/recorder";
import { planRequests } from "./mix";
import { runTraffic } from "./runner";
import { type TrafficSummary } from "./summary";

let target: Recorder;

beforeAll(async () => {
  // The generator's target (a gateway in real use); it alternates versions so the summary has something to split.
  let served = 0;
  target = await startRecorder((_request, res) => {
    served++;
    res.writeHead(served % 4 === 0 ? 503 : 200, {
      "x-service-version": served % 2 === 0 ? "v2" : "v1",
      "x-served-by": `replica-${served % 3}`,
      "content-type": "application/json",
    });
    res.end("{}");
  });
});

afterAll(async () => {
  await target.close();
});

function sequence() {
  return target.requests.map((request) => `${request.method} ${request.url} ${request.body.toString()}`);
}

describe("runTraffic", () => {
  it("sends the same sequence for the same seed, and the planned one", async () => {
    target.requests.length = 0;
    await runTraffic({ target: target.url, count: 80, rps: 1_000, seed: 5, concurrency: 1 });
    const first = sequence();
    target.requests.length = 0;
    await runTraffic({ target: target.url, count: 80, rps: 1_000, seed: 5, concurrency: 1 });
    expect(sequence()).toEqual(first);
    expect(first.map((line) => line.split(" ").slice(0, 2).join(" "))).toEqual(
      planRequests(5, 80).map((request) => `${request.method} ${request.path}`),
    );

    target.requests.length = 0;
    await runTraffic({ target: target.url, count: 80, rps: 1_000, seed: 6, concurrency: 1 });
    expect(sequence()).not.toEqual(first);
  });

  it("sends the given headers, under the target's base path, and summarises the answers", async () => {
    target.requests.length = 0;
    const summary = await runTraffic({
      target: `${target.url}/gw/`,
      count: 40,
      rps: 1_000,
      seed: 9,
      headers: { "x-canary": "true", host: "shop.example" },
    });
    expect(target.requests).toHaveLength(40);
    for (const request of target.requests) {
      expect(request.url.startsWith("/gw/api/")).toBe(true);
      expect(request.headers["x-canary"]).toBe("true");
      expect(request.headers.host).toBe("shop.example");
      if (request.method === "POST") expect(request.headers["content-type"]).toBe("application/json");
    }
    expect(summary.sent).toBe(40);
    expect(summary.byStatus).toEqual({ "200": 30, "503": 10 });
    expect(summary.byVersion).toEqual({ v1: 20, v2: 20 });
    expect(Object.values(summary.byInstance).reduce((sum, count) => sum + count, 0)).toBe(40);
    expect(Object.values(summary.byKind).reduce((sum, count) => sum + count, 0)).toBe(40);
    expect(summary.latencyMs.p50).toBeLessThanOrEqual(summary.latencyMs.p99);
    expect(summary.latencyMs.p99).toBeLessThanOrEqual(summary.latencyMs.max);
  });

  it("stops by itself at the duration, never sending ahead of the rate", async () => {
    const summary = await runTraffic({ target: target.url, durationMs: 400, rps: 50, seed: 1 });
    expect(summary.sent).toBeGreaterThan(0);
    expect(summary.sent).toBeLessThanOrEqual(21);
  });

  it("stops early on abort", async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 200);
    const summary = await runTraffic({
      target: target.url,
      count: 100_000,
      rps: 5,
      seed: 1,
      signal: abort.signal,
    });
    expect(summary.sent).toBeLessThan(20);
  });

  it("counts connection failures instead of throwing", async () => {
    const closed = await startRecorder(() => undefined);
    const url = closed.url;
    await closed.close();
    const summary = await runTraffic({ target: url, count: 5, rps: 1_000, seed: 1 });
    expect(summary.byStatus).toEqual({ "error:ECONNREFUSED": 5 });
  });

  it("refuses options that would not stop by themselves", async () => {
    await expect(runTraffic({ target: target.url })).rejects.toThrow(
      "durationMs: set a duration or a request count",
    );
    await expect(runTraffic({ target: target.url, count: 1, rps: 10_000 })).rejects.toThrow("rps");
  });
});

describe("the traffic CLI", () => {
  it("prints a summary and a JSON line", async () => {
    const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
    const entry = fileURLToPath(new URL("../traffic.ts", import.meta.url));
    target.requests.length = 0;
    const child = spawn(
      process.execPath,
      [
        "--import",
        tsxLoader,
        entry,
        "--target",
        target.url,
        "--count",
        "20",
        "--rps",
        "500",
        "--header",
        "x-a:b",
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toContain(`20 requests to ${target.url}`);
    expect(stdout).toMatch(/latency: {2}p50 [\d.]+ ms/);
    const summary = JSON.parse(lines.at(-1)!) as TrafficSummary & { event: string };
    expect(summary).toMatchObject({ event: "traffic.summary", sent: 20, seed: 42 });
    expect(target.requests.every((request) => request.headers["x-a"] === "b")).toBe(true);
  });
});
