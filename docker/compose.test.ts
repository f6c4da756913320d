// There is no Docker engine where this project is built and tested, so the compose file is checked here the
// way Docker would read it: every build context, Dockerfile, target and build argument exists, every entry
// point is one the app's bundle has, and each app's environment and flags pass the app's own validation.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseShopFlags } from "../apps/demo/src/shop/flags";
import { parseReceiverFlags } from "../apps/demo/src/slack-receiver/flags";
import { parseTrafficFlags } from "../apps/demo/src/traffic/flags";
import demoBundle from "../apps/demo/tsup.config";
import { parseBootstrap } from "../apps/gateway/src/bootstrap";
import gatewayBundle from "../apps/gateway/tsup.config";
import { webEnvSchema } from "../apps/web/src/env";
import { workerEnvSchema } from "../apps/worker/src/env";
import { slackWebhookUrlSchema } from "../packages/contracts/src/alerting";

const dockerDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(dockerDir, "..");

interface Service {
  build?: { context: string; dockerfile: string; target?: string; args?: Record<string, string> };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  depends_on?: string[] | Record<string, { condition: string }>;
  volumes?: string[];
  configs?: Array<{ source: string; target: string }>;
  ports?: string[];
}

const compose = parse(readFileSync(path.join(dockerDir, "compose.yml"), "utf8"), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
  configs: Record<string, { content: string }>;
};
const services = Object.entries(compose.services);

/**
 * Compose's variable interpolation, for a user who set only the required variables: `${VAR:-default}` takes
 * the default, `${VAR:?message}` and `${VAR}` take what the user set, `$$` is a literal `$`.
 */
const userSettings: Record<string, string> = { BETTER_AUTH_SECRET: "x".repeat(32) };
function interpolate(value: string): string {
  return value
    .replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name: string, kind?: string, rest?: string) => {
      if (name in userSettings) return userSettings[name]!;
      if (kind === "-") return rest ?? "";
      throw new Error(`${name} is required (${rest ?? "no default"})`);
    })
    .replaceAll("$$", "$");
}
function environmentOf(name: string): Record<string, string> {
  const environment = compose.services[name]!.environment ?? {};
  // Compose passes an empty value as an empty string; the apps treat an unset variable the same way.
  return Object.fromEntries(
    Object.entries(environment)
      .map(([key, value]) => [key, interpolate(String(value))])
      .filter(([, value]) => value !== ""),
  );
}

/** The bundle files tsup writes for an app: dist/<entry name>.js. */
function bundleEntries(config: unknown): string[] {
  const entry = (config as { entry: string[] | Record<string, string> }).entry;
  const names = Array.isArray(entry) ? entry.map((file) => path.basename(file, ".ts")) : Object.keys(entry);
  return names.map((name) => `dist/${name}.js`);
}
const entriesByApp: Record<string, string[]> = {
  demo: bundleEntries(demoBundle),
  gateway: bundleEntries(gatewayBundle),
};

/** What a node-app container runs: its command, or the `exec node …` its shell entrypoint ends with. */
function nodeArgv(service: Service): string[] {
  if (service.command) return service.command.map(interpolate);
  const script = service.entrypoint?.at(-1) ?? "";
  const exec = /exec node (.+)$/.exec(interpolate(script).trim());
  if (!exec) throw new Error(`no command and no "exec node …" entrypoint`);
  return exec[1]!.split(/\s+/);
}

describe("docker/compose.yml", () => {
  it("builds every image from a context, Dockerfile, target and arguments that exist", () => {
    for (const [name, service] of services) {
      if (!service.build) continue;
      const context = path.resolve(dockerDir, service.build.context);
      expect(context, name).toBe(root);
      const dockerfile = path.join(context, service.build.dockerfile);
      expect(existsSync(dockerfile), `${name}: ${service.build.dockerfile}`).toBe(true);
      const text = readFileSync(dockerfile, "utf8");
      if (service.build.target)
        expect(text, name).toMatch(new RegExp(`^FROM .+ AS ${service.build.target}$`, "m"));
      for (const arg of Object.keys(service.build.args ?? {})) {
        expect(text, `${name}: ARG ${arg}`).toMatch(new RegExp(`^ARG ${arg}$`, "m"));
      }
    }
  });

  it("refers only to services, volumes and configs it declares", () => {
    for (const [name, service] of services) {
      const needs = Array.isArray(service.depends_on)
        ? service.depends_on
        : Object.keys(service.depends_on ?? {});
      for (const other of needs)
        expect(compose.services, `${name} depends on ${other}`).toHaveProperty(other);
      for (const volume of service.volumes ?? []) {
        expect(compose.volumes, `${name}: ${volume}`).toHaveProperty(volume.split(":")[0]!);
      }
      for (const config of service.configs ?? []) {
        expect(compose.configs, `${name}: ${config.source}`).toHaveProperty(config.source);
      }
    }
  });

  it("gives web and worker an environment their own schemas accept", () => {
    expect(webEnvSchema.safeParse(environmentOf("web")).error?.issues ?? []).toEqual([]);
    expect(workerEnvSchema.safeParse(environmentOf("worker")).error?.issues ?? []).toEqual([]);
    // Web and worker must share the secret: the worker decrypts the channels web encrypted.
    expect(compose.services.worker!.environment!.BETTER_AUTH_SECRET).toBe(
      compose.services.web!.environment!.BETTER_AUTH_SECRET,
    );
  });

  it("migrates, seeds and sets up the demo with scripts that exist and a webhook the channel form accepts", () => {
    const migrate = compose.services.migrate!;
    const script = migrate.command!.join(" ");
    for (const file of script.match(/[\w/.-]+\.ts/g) ?? []) {
      expect(existsSync(path.join(root, file)), file).toBe(true);
    }
    expect(script).toContain("scripts/stack/setup-demo.ts");
    const env = environmentOf("migrate");
    expect(slackWebhookUrlSchema.safeParse(env.SWITCHYARD_DEMO_SLACK_WEBHOOK_URL).success).toBe(true);
    expect(new URL(env.SWITCHYARD_DEMO_SLACK_WEBHOOK_URL!).hostname).toBe("slack-receiver");
    expect(env.BETTER_AUTH_SECRET).toBe(environmentOf("web").BETTER_AUTH_SECRET);
    // The shop host the routes point at is the shop's service name.
    expect(script).toMatch(/--shop-host shop\b/);
    expect(compose.services).toHaveProperty("shop");
  });

  it("starts every demo and gateway container on an entry point its bundle has, with flags the app accepts", () => {
    const parsers: Record<string, (argv: string[]) => unknown> = {
      "dist/shop.js": parseShopFlags,
      "dist/traffic.js": parseTrafficFlags,
      "dist/slack-receiver.js": parseReceiverFlags,
      "dist/cli.js": (argv) => expect(argv).toEqual(["--config", "/etc/switchyard/gateway.json"]),
    };
    const started = new Set<string>();
    for (const [name, service] of services) {
      const app = service.build?.args?.APP;
      if (!app) continue;
      const [entry, ...flags] = nodeArgv(service);
      expect(entriesByApp[app], `${name} runs ${entry}`).toContain(entry);
      expect(() => parsers[entry!]!(flags), name).not.toThrow();
      started.add(entry!);
    }
    expect([...started].sort()).toEqual([
      "dist/cli.js",
      "dist/shop.js",
      "dist/slack-receiver.js",
      "dist/traffic.js",
    ]);
  });

  it("bootstraps two gateways against web with their own agent tokens from the volume migrate writes", () => {
    const webPort = compose.services.web!.environment!.PORT;
    for (const name of ["gateway-a", "gateway-b"]) {
      const service = compose.services[name]!;
      const config = compose.configs[service.configs![0]!.source]!;
      // As the agent reads it, with the token its entrypoint puts in the environment.
      const parsed = parseBootstrap(JSON.parse(config.content), "/etc/switchyard", {
        SWITCHYARD_AGENT_TOKEN: "sy_agt_from-the-volume",
      });
      if (!parsed.ok) throw new Error(`${name}: ${JSON.stringify(parsed.issues)}`);
      const bootstrap = parsed.bootstrap;
      expect(bootstrap.agentId).toBe(name);
      expect(bootstrap.controlPlaneUrl).toBe(`http://web:${webPort}`);
      expect(service.configs![0]!.target).toBe("/etc/switchyard/gateway.json");
      expect(service.entrypoint!.at(-1)).toContain(`/run/switchyard/gateways/${name}/agent-token`);
      expect(service.volumes).toContain("demo-secrets:/run/switchyard:ro");
      // Traffic through this gateway: a generator targets its listen port by service name.
      const traffic = services.find(([, other]) =>
        other.command?.includes(`http://${name}:${bootstrap.listen.port}`),
      );
      expect(traffic, `a traffic generator for ${name}`).toBeDefined();
    }
    expect(compose.services.migrate!.volumes).toContain("demo-secrets:/run/switchyard");
  });
});
