import { describe, expect, it } from "vitest";
import {
  agentApiPaths,
  configAckSchema,
  configWatchQuerySchema,
  configWatchResponseSchema,
  heartbeatSchema,
  isConfigWatchTarget,
} from "./agent-protocol";

describe("agent protocol", () => {
  it("fixes the paths the control plane implements", () => {
    expect(agentApiPaths).toEqual({
      config: "/api/agent/v1/config",
      ack: "/api/agent/v1/ack",
      heartbeat: "/api/agent/v1/heartbeat",
    });
  });

  it("recognises a config watch by its path, with or without a query", () => {
    expect(isConfigWatchTarget("/api/agent/v1/config?after=3&waitSeconds=30")).toBe(true);
    expect(isConfigWatchTarget("/api/agent/v1/config")).toBe(true);
    expect(isConfigWatchTarget("/api/agent/v1/heartbeat")).toBe(false);
    expect(isConfigWatchTarget("/api/agent/v1/configs?after=3")).toBe(false);
  });

  it("parses the watch query from strings, with a 30 s default wait", () => {
    expect(configWatchQuerySchema.parse({ after: "7" })).toEqual({ after: 7, waitSeconds: 30 });
    expect(configWatchQuerySchema.parse({})).toEqual({ after: 0, waitSeconds: 30 });
    expect(configWatchQuerySchema.safeParse({ after: "1", waitSeconds: "61" }).success).toBe(false);
    expect(configWatchQuerySchema.safeParse({ after: "-1" }).success).toBe(false);
  });

  it("keeps a revision's config unparsed so a bad one can still be acknowledged by number", () => {
    const parsed = configWatchResponseSchema.parse({
      revision: {
        number: 4,
        groupId: "g1",
        createdAt: "2026-11-21T10:00:00.000Z",
        config: { routes: "nope" },
      },
    });
    expect(parsed.revision.config).toEqual({ routes: "nope" });
  });

  it("requires errors on a rejected acknowledgement", () => {
    const base = { revision: 3, appliedAt: "2026-11-21T10:00:00.000Z" };
    expect(configAckSchema.safeParse({ ...base, status: "applied", durationMs: 4 }).success).toBe(true);
    const rejected = configAckSchema.safeParse({ ...base, status: "rejected" });
    expect(rejected.success).toBe(false);
    expect(rejected.error?.issues[0]?.path).toEqual(["errors"]);
    expect(
      configAckSchema.safeParse({
        ...base,
        status: "rejected",
        errors: [{ path: "services.orders.strategy", message: "Invalid option" }],
      }).success,
    ).toBe(true);
  });

  it("describes a heartbeat with target health and breaker state", () => {
    const heartbeat = {
      agentId: "gw-1",
      agentVersion: "0.0.0",
      hostname: "host-a",
      startedAt: "2026-11-21T10:00:00.000Z",
      sentAt: "2026-11-21T10:00:10.000Z",
      revisionInUse: 12,
      configSource: "control_plane",
      lastRejected: null,
      inflightRequests: 3,
      targets: [
        {
          serviceId: "users",
          targetId: "a",
          url: "http://127.0.0.1:4101",
          version: "stable",
          weight: 1,
          healthy: true,
          ejected: false,
          ejectedUntil: null,
          breaker: {
            state: "open",
            failures: 5,
            successes: 0,
            lastFailureAt: "2026-11-21T10:00:09.000Z",
            lastFailureReason: "status_503",
          },
          inflight: 0,
        },
      ],
      telemetry: { droppedSpans: 0, failedMetricExports: 0 },
    };
    expect(heartbeatSchema.parse(heartbeat)).toEqual(heartbeat);
  });
});
