import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { checkEnv, EX_CONFIG, loadEnv } from "./load-env";
import { databaseUrl, logLevel, otelExporterEndpoint, otelExporterHeaders, port, redisUrl } from "./fields";

const schema = z.object({
  DATABASE_URL: databaseUrl,
  REDIS_URL: redisUrl,
  LOG_LEVEL: logLevel,
  PORT: port.default(3000),
  OTEL_EXPORTER_OTLP_ENDPOINT: otelExporterEndpoint,
  OTEL_EXPORTER_OTLP_HEADERS: otelExporterHeaders,
  SESSION_SECRET: z.string().min(32).describe("at least 32 random characters"),
});

const valid = {
  DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/switchyard",
  REDIS_URL: "redis://127.0.0.1:6379",
  SESSION_SECRET: "s".repeat(40),
};

describe("checkEnv", () => {
  it("returns typed values with defaults applied", () => {
    const check = checkEnv(schema, { ...valid, PORT: "8080" });
    expect(check).toEqual({
      ok: true,
      env: { ...valid, LOG_LEVEL: "info", PORT: 8080 },
    });
  });

  it("names a missing variable and says what is expected", () => {
    const { DATABASE_URL: _, ...rest } = valid;
    const check = checkEnv(schema, rest);
    expect(check).toEqual({
      ok: false,
      problems: [
        "DATABASE_URL: required — a PostgreSQL URL such as postgresql://postgres@127.0.0.1:5432/switchyard",
      ],
    });
  });

  it("treats an empty value as unset", () => {
    const optionalEmpty = checkEnv(schema, { ...valid, OTEL_EXPORTER_OTLP_ENDPOINT: "", LOG_LEVEL: " " });
    expect(optionalEmpty.ok && optionalEmpty.env.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(optionalEmpty.ok && optionalEmpty.env.LOG_LEVEL).toBe("info");

    const requiredEmpty = checkEnv(schema, { ...valid, REDIS_URL: "" });
    expect(requiredEmpty).toEqual({
      ok: false,
      problems: ["REDIS_URL: required — a Redis URL such as redis://127.0.0.1:6379"],
    });
  });

  it("reports one line per bad variable, looking through optional and default wrappers", () => {
    const check = checkEnv(schema, {
      ...valid,
      DATABASE_URL: "mysql://root@127.0.0.1/switchyard",
      REDIS_URL: "not a url",
      LOG_LEVEL: "verbose",
      PORT: "70000",
      OTEL_EXPORTER_OTLP_ENDPOINT: "grpc://collector:4317",
      OTEL_EXPORTER_OTLP_HEADERS: "just-a-token",
    });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problems).toEqual([
      "DATABASE_URL: not a PostgreSQL URL (postgresql:// or postgres://) — a PostgreSQL URL such as postgresql://postgres@127.0.0.1:5432/switchyard",
      "REDIS_URL: not a Redis URL (redis:// or rediss://) — a Redis URL such as redis://127.0.0.1:6379",
      expect.stringMatching(
        /^LOG_LEVEL: .+ — one of fatal, error, warn, info, debug, trace, silent \(default info\)$/,
      ),
      "PORT: above 65535 — a TCP port between 1 and 65535",
      expect.stringMatching(/^OTEL_EXPORTER_OTLP_ENDPOINT: not an HTTP URL \(http:\/\/ or https:\/\/\) — /),
      expect.stringMatching(/^OTEL_EXPORTER_OTLP_HEADERS: not a list of key=value pairs — /),
    ]);
  });

  it("accepts the scheme variants and a header list", () => {
    const check = checkEnv(schema, {
      ...valid,
      DATABASE_URL: "postgres://u:p@db:5432/x?sslmode=require",
      REDIS_URL: "rediss://default:pw@cache:6380/2",
      OTEL_EXPORTER_OTLP_ENDPOINT: "https://otlp.example.com",
      OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer abc, x-tenant=7",
    });
    expect(check.ok).toBe(true);
  });

  it("never echoes a value, even a malformed secret", () => {
    const secret = "hunter2-short-secret";
    const check = checkEnv(schema, {
      ...valid,
      SESSION_SECRET: secret,
      DATABASE_URL: `mysql://admin:${secret}@db/x`,
    });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problems.join("\n")).not.toContain(secret);
    expect(check.problems).toContainEqual(
      expect.stringMatching(/^SESSION_SECRET: .* — at least 32 random characters$/),
    );
  });
});

describe("checkEnv with fields that carry their own messages", () => {
  const custom = z.object({
    SECRET: z.string({ error: "required — a random secret (openssl rand -hex 32)" }).min(32, "too short"),
    PLAIN: z.string(),
  });

  it("keeps the author's message for a missing field without a description", () => {
    expect(checkEnv(custom, {})).toEqual({
      ok: false,
      problems: ["SECRET: required — a random secret (openssl rand -hex 32)", "PLAIN: required"],
    });
    expect(checkEnv(custom, { SECRET: "x", PLAIN: "y" })).toEqual({
      ok: false,
      problems: ["SECRET: too short"],
    });
  });
});

describe("loadEnv", () => {
  afterEach(() => vi.restoreAllMocks());

  it("returns the parsed environment when it is valid", () => {
    expect(loadEnv(schema, { service: "test", source: valid }).PORT).toBe(3000);
  });

  it("prints each problem and exits with EX_CONFIG when it is not", () => {
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void lines.push(line));
    vi.spyOn(process, "exit").mockImplementation((code) => {
      throw new Error(`exit ${String(code)}`);
    });

    expect(() => loadEnv(schema, { service: "worker", source: {} })).toThrow(`exit ${EX_CONFIG}`);
    expect(lines[0]).toBe(
      "worker: cannot start, 3 environment variables are missing or invalid (see .env.example):",
    );
    expect(lines.slice(1).map((l) => l.trim().split(":")[0])).toEqual([
      "DATABASE_URL",
      "REDIS_URL",
      "SESSION_SECRET",
    ]);
  });
});
