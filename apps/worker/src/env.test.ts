import { describe, expect, it } from "vitest";
import { checkEnv } from "@switchyard/env";
import { workerEnvSchema } from "./env";

const required = {
  DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/switchyard",
  REDIS_URL: "redis://127.0.0.1:6379",
  BETTER_AUTH_SECRET: "0123456789abcdef0123456789abcdef",
};

describe("workerEnvSchema", () => {
  it("fills in the defaults", () => {
    expect(checkEnv(workerEnvSchema, required)).toEqual({
      ok: true,
      env: {
        ...required,
        LOG_LEVEL: "info",
        SWITCHYARD_PUBLIC_URL: "http://localhost:3000",
        SWITCHYARD_QUEUE_PREFIX: "switchyard",
        SWITCHYARD_SHUTDOWN_GRACE_MS: 25_000,
      },
    });
  });

  it("rejects a queue prefix that would break BullMQ's key layout and a grace period out of range", () => {
    const check = checkEnv(workerEnvSchema, {
      ...required,
      SWITCHYARD_QUEUE_PREFIX: "team:a",
      SWITCHYARD_SHUTDOWN_GRACE_MS: "10",
    });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problems).toEqual([
      "SWITCHYARD_QUEUE_PREFIX: may hold only letters, digits, - and _ — the BullMQ key prefix shared by web and worker (default switchyard)",
      "SWITCHYARD_SHUTDOWN_GRACE_MS: below 1000 — how long SIGTERM waits for running jobs before the process gives up, in ms (default 25000)",
    ]);
  });
});
