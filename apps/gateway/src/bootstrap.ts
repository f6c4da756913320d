import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, resolve } from "node:path";
import { formatConfigIssues, type ConfigIssue } from "@switchyard/contracts";
import { z } from "zod";
import { parseConfigDocument } from "./sources/config-document";

const listenSchema = (defaultHost: string, defaultPort: number) =>
  z
    .strictObject({
      host: z.string().min(1).default(defaultHost),
      port: z.number().int().min(0).max(65_535).default(defaultPort),
    })
    .prefault({});

/**
 * The agent's bootstrap file: where to listen and where revisions come from. Everything about traffic
 * lives in revisions (from the control plane or `configFile`), never here. Relative paths are resolved
 * against the bootstrap file's directory.
 */
export const bootstrapSchema = z
  .strictObject({
    /** Names this agent in telemetry and heartbeats; defaults to the host name. */
    agentId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "must be 1-128 letters, digits, '.', '-' or '_'")
      .optional(),
    controlPlaneUrl: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).optional(),
    /** May also come from the SWITCHYARD_AGENT_TOKEN environment variable, to keep it out of files. */
    agentToken: z.string().min(8, "must be at least 8 characters").optional(),
    listen: listenSchema("0.0.0.0", 8080),
    adminListen: listenSchema("127.0.0.1", 9901),
    configFile: z.string().min(1).optional(),
    stateDir: z.string().min(1).default(".switchyard/gateway"),
    controlPlane: z
      .strictObject({
        watchWaitSeconds: z.number().int().min(1).max(60).default(30),
        backoffBaseMs: z.number().int().min(10).max(60_000).default(500),
        backoffMaxMs: z.number().int().min(100).max(600_000).default(30_000),
        heartbeatIntervalMs: z.number().int().min(100).max(600_000).default(10_000),
        /** How long the first read may take before the agent serves its last-known-good revision. */
        startupTimeoutMs: z.number().int().min(100).max(120_000).default(5_000),
      })
      .prefault({}),
    telemetry: z
      .strictObject({
        otlpEndpoint: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).optional(),
        exportIntervalMs: z.number().int().min(100).max(3_600_000).default(10_000),
        /** Share of ordinary requests whose span is kept; errors and slow requests are always kept. */
        traceSampleRate: z.number().min(0).max(1).default(0.01),
        slowRequestMs: z.number().int().positive().max(600_000).default(500),
        maxQueuedSpans: z.number().int().min(1).max(1_000_000).default(2_048),
      })
      .prefault({}),
    accessLog: z
      .strictObject({
        enabled: z.boolean().default(true),
        /** Appended to; standard output when absent. */
        path: z.string().min(1).optional(),
      })
      .prefault({}),
    upstream: z
      .strictObject({
        connectionsPerTarget: z.number().int().min(1).max(10_000).default(128),
        keepAliveTimeoutMs: z.number().int().min(100).max(600_000).default(4_000),
        connectTimeoutMs: z.number().int().min(10).max(60_000).default(5_000),
      })
      .prefault({}),
    /** Where rate limits marked `shared` keep their buckets; without it they stay local to this agent. */
    redis: z
      .strictObject({
        url: z.url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL" }),
        /** Prepended to every key, so several groups (or tests) can share one Redis. */
        keyPrefix: z.string().max(200).default("switchyard:gateway:"),
        /** A decision Redis has not returned by then is taken from the local bucket instead. */
        commandTimeoutMs: z.number().int().min(1).max(10_000).default(100),
      })
      .optional(),
    drainTimeoutMs: z.number().int().min(0).max(600_000).default(10_000),
  })
  .superRefine((bootstrap, ctx) => {
    if ((bootstrap.controlPlaneUrl === undefined) === (bootstrap.configFile === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [bootstrap.configFile === undefined ? "controlPlaneUrl" : "configFile"],
        message: "set exactly one config source: controlPlaneUrl or configFile",
      });
    }
    if (bootstrap.controlPlaneUrl !== undefined && bootstrap.agentToken === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["agentToken"],
        message: "is required with controlPlaneUrl (or set SWITCHYARD_AGENT_TOKEN)",
      });
    }
  });

export type Bootstrap = z.infer<typeof bootstrapSchema>;
export type BootstrapInput = z.input<typeof bootstrapSchema>;

export type BootstrapResult = { ok: true; bootstrap: Bootstrap } | { ok: false; issues: ConfigIssue[] };

/** Validates a bootstrap document; `baseDir` anchors relative paths. */
export function parseBootstrap(
  input: unknown,
  baseDir: string,
  env: NodeJS.ProcessEnv = process.env,
): BootstrapResult {
  const withToken =
    input !== null && typeof input === "object" && !("agentToken" in input) && env.SWITCHYARD_AGENT_TOKEN
      ? { ...input, agentToken: env.SWITCHYARD_AGENT_TOKEN }
      : input;
  const parsed = bootstrapSchema.safeParse(withToken);
  if (!parsed.success) return { ok: false, issues: formatConfigIssues(parsed.error) };
  const bootstrap = parsed.data;
  const anchor = (path: string) => (isAbsolute(path) ? path : resolve(baseDir, path));
  return {
    ok: true,
    bootstrap: {
      ...bootstrap,
      stateDir: anchor(bootstrap.stateDir),
      configFile: bootstrap.configFile === undefined ? undefined : anchor(bootstrap.configFile),
      // The control plane ingests OTLP at its own /v1/traces and /v1/metrics, so an agent managed by one
      // exports there out of the box.
      telemetry: {
        ...bootstrap.telemetry,
        otlpEndpoint: bootstrap.telemetry.otlpEndpoint ?? bootstrap.controlPlaneUrl,
      },
      accessLog: {
        ...bootstrap.accessLog,
        path: bootstrap.accessLog.path === undefined ? undefined : anchor(bootstrap.accessLog.path),
      },
    },
  };
}

export async function loadBootstrapFile(path: string): Promise<BootstrapResult> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    return {
      ok: false,
      issues: [{ path: "--config", message: `cannot read ${path}: ${(error as Error).message}` }],
    };
  }
  const document = parseConfigDocument(text, path);
  if (!document.ok) return { ok: false, issues: [{ path: "(root)", message: document.message }] };
  return parseBootstrap(document.value, dirname(resolve(path)));
}
