import { describe, expect, it } from "vitest";
import { parseBootstrap } from "./bootstrap";

describe("parseBootstrap", () => {
  it("applies defaults and anchors relative paths at the bootstrap file", () => {
    const result = parseBootstrap(
      { configFile: "gateway.yaml", accessLog: { path: "logs/access.log" } },
      "/etc/switchyard",
      {},
    );
    expect(result).toMatchObject({
      ok: true,
      bootstrap: {
        configFile: "/etc/switchyard/gateway.yaml",
        stateDir: "/etc/switchyard/.switchyard/gateway",
        listen: { host: "0.0.0.0", port: 8080 },
        adminListen: { host: "127.0.0.1", port: 9901 },
        telemetry: { exportIntervalMs: 10_000, traceSampleRate: 0.01, slowRequestMs: 500 },
        accessLog: { enabled: true, path: "/etc/switchyard/logs/access.log" },
        drainTimeoutMs: 10_000,
      },
    });
  });

  it("needs exactly one config source", () => {
    expect(parseBootstrap({}, "/", {})).toEqual({
      ok: false,
      issues: [
        { path: "controlPlaneUrl", message: "set exactly one config source: controlPlaneUrl or configFile" },
      ],
    });
    const both = parseBootstrap(
      { configFile: "a.json", controlPlaneUrl: "http://cp", agentToken: "secret-token" },
      "/",
      {},
    );
    expect(both).toMatchObject({ ok: false, issues: [{ path: "configFile" }] });
  });

  it("needs a token with the control plane, from the file or the environment", () => {
    expect(parseBootstrap({ controlPlaneUrl: "http://cp:3000" }, "/", {})).toMatchObject({
      ok: false,
      issues: [{ path: "agentToken" }],
    });
    expect(
      parseBootstrap({ controlPlaneUrl: "http://cp:3000" }, "/", {
        SWITCHYARD_AGENT_TOKEN: "from-env-token",
      }),
    ).toMatchObject({
      ok: true,
      bootstrap: { agentToken: "from-env-token" },
    });
  });

  it("exports telemetry to the control plane unless another OTLP endpoint is set", () => {
    const managed = { controlPlaneUrl: "http://cp:3000", agentToken: "secret-token" };
    expect(parseBootstrap(managed, "/", {})).toMatchObject({
      ok: true,
      bootstrap: { telemetry: { otlpEndpoint: "http://cp:3000" } },
    });
    expect(
      parseBootstrap({ ...managed, telemetry: { otlpEndpoint: "http://collector:4318" } }, "/", {}),
    ).toMatchObject({ ok: true, bootstrap: { telemetry: { otlpEndpoint: "http://collector:4318" } } });
    const local = parseBootstrap({ configFile: "a.json" }, "/", {});
    expect(local.ok && local.bootstrap.telemetry.otlpEndpoint).toBeUndefined();
  });

  it("takes an optional Redis for shared rate limits, with defaults", () => {
    const local = parseBootstrap({ configFile: "a.json" }, "/", {});
    expect(local.ok && local.bootstrap.redis).toBeUndefined();
    expect(
      parseBootstrap({ configFile: "a.json", redis: { url: "redis://10.0.0.5:6379/2" } }, "/", {}),
    ).toMatchObject({
      ok: true,
      bootstrap: {
        redis: { url: "redis://10.0.0.5:6379/2", keyPrefix: "switchyard:gateway:", commandTimeoutMs: 100 },
      },
    });
  });

  it("refuses a Redis setting that is not a Redis URL or has an unusable timeout", () => {
    const result = parseBootstrap(
      { configFile: "a.json", redis: { url: "http://10.0.0.5:6379", commandTimeoutMs: 0 } },
      "/",
      {},
    );
    expect(result).toMatchObject({
      ok: false,
      issues: [
        { path: "redis.url", message: "must be a redis:// or rediss:// URL" },
        { path: "redis.commandTimeoutMs" },
      ],
    });
    expect(parseBootstrap({ configFile: "a.json", redis: {} }, "/", {})).toMatchObject({
      ok: false,
      issues: [{ path: "redis.url" }],
    });
  });

  it("names the bad field", () => {
    const result = parseBootstrap(
      { configFile: "a.json", listen: { port: 70_000 }, telemetry: { traceSampleRate: 2 }, colour: "red" },
      "/",
      {},
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues.map((issue) => issue.path).sort()).toEqual([
        "colour",
        "listen.port",
        "telemetry.traceSampleRate",
      ]);
    }
  });
});
