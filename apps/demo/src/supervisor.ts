import { request } from "undici";
import { type ExitInfo, type ServiceProcess, spawnService, stopProcess } from "./shop/child";
import { type InstanceSpec, planInstances, resolveShopConfig, type ShopConfigInput } from "./shop/topology";

export type InstanceState = "starting" | "running" | "stopping" | "stopped" | "exited";

/** One replica as the supervisor sees it; the object is updated in place as the replica starts and stops. */
export interface ShopInstance extends InstanceSpec {
  readonly host: string;
  /** Base URL, e.g. http://127.0.0.1:4101 (valid once started). */
  readonly url: string;
  readonly pid: number | undefined;
  readonly state: InstanceState;
}

export interface ShopOptions extends ShopConfigInput {
  /** Each line a replica prints; default: prefixed with the instance id on stderr. */
  onLog?: (instance: ShopInstance, stream: "stdout" | "stderr", line: string) => void;
  /** A replica exited that nobody asked to stop; default: reported on stderr. It is never restarted. */
  onExit?: (instance: ShopInstance, exit: ExitInfo) => void;
}

export interface Shop {
  readonly instances: readonly ShopInstance[];
  instance(id: string): ShopInstance;
  /** Stops one replica (e.g. to watch a gateway eject it); it stays stopped until startInstance. */
  stopInstance(id: string): Promise<void>;
  /** Starts a stopped or exited replica again on the same port. */
  startInstance(id: string): Promise<void>;
  /** Stops every replica; resolves once all have exited. */
  stop(): Promise<void>;
}

const HEALTH_POLL_MS = 100;

class ManagedInstance implements ShopInstance {
  state: InstanceState = "starting";
  process: ServiceProcess | undefined;
  port: number;

  constructor(
    private readonly spec: InstanceSpec,
    readonly host: string,
  ) {
    this.port = spec.port;
  }

  get id() {
    return this.spec.id;
  }
  get service() {
    return this.spec.service;
  }
  get version() {
    return this.spec.version;
  }
  get replica() {
    return this.spec.replica;
  }
  get url() {
    return `http://${this.host.includes(":") ? `[${this.host}]` : this.host}:${this.port}`;
  }
  get pid() {
    return this.process?.pid;
  }

  toJSON() {
    const { id, service, version, replica, url, port, pid, state } = this;
    return { id, service, version, replica, url, port, pid, state };
  }
}

async function waitHealthy(url: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      const response = await request(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
      await response.body.dump();
      if (response.statusCode === 200) return;
    } catch {
      // Not answering yet: poll again until the deadline.
    }
    if (Date.now() >= deadline) throw new Error(`${url}/health did not answer 200 in time`);
    await new Promise((resolve) => setTimeout(resolve, HEALTH_POLL_MS));
  }
}

function defaultLog(instance: ShopInstance, _stream: "stdout" | "stderr", line: string): void {
  process.stderr.write(`[${instance.id}] ${line}\n`);
}

function defaultExitReport(instance: ShopInstance, exit: ExitInfo): void {
  process.stderr.write(
    `[shop] ${instance.id} (pid ${instance.pid}) exited unexpectedly (code ${exit.code}, signal ${exit.signal}); ` +
      "it is not restarted\n",
  );
}

/**
 * Starts every replica of the demo shop as its own process (users and products first, then orders pointed at
 * them), waits until all answer /health with 200, and hands back their URLs and controls.
 */
export async function startShop(options: ShopOptions = {}): Promise<Shop> {
  const { onLog = defaultLog, onExit = defaultExitReport, ...input } = options;
  const config = resolveShopConfig(input);
  const instances = planInstances(config).map((spec) => new ManagedInstance(spec, config.host));
  const byId = new Map(instances.map((instance) => [instance.id, instance]));

  const urlsOf = (service: string, override: string | undefined) =>
    override ??
    instances
      .filter((instance) => instance.service === service)
      .map((instance) => instance.url)
      .join(",");

  const flagsFor = (instance: ManagedInstance): string[] => [
    ...["--service", instance.service, "--version", instance.version, "--port", String(instance.port)],
    ...["--host", config.host, "--instance-id", instance.id],
    ...(instance.service === "orders"
      ? [
          "--users-url",
          urlsOf("users", config.usersUrl),
          "--products-url",
          urlsOf("products", config.productsUrl),
        ]
      : []),
  ];

  async function launch(instance: ManagedInstance): Promise<void> {
    instance.state = "starting";
    const deadline = Date.now() + config.readyTimeoutMs;
    let started: ServiceProcess | undefined;
    try {
      started = await spawnService({
        flags: flagsFor(instance),
        env: config.env,
        readyTimeoutMs: config.readyTimeoutMs,
        onLine: (stream, line) => onLog(instance, stream, line),
      });
      const current = started;
      instance.process = current;
      instance.port = current.port;
      void current.exited.then((exit) => {
        if (instance.process !== current || instance.state === "stopping" || instance.state === "stopped")
          return;
        instance.state = "exited";
        onExit(instance, exit);
      });
      await waitHealthy(instance.url, deadline);
      instance.state = "running";
    } catch (error) {
      instance.state = "stopping";
      if (started) await stopProcess(started.child, started.exited);
      instance.state = "exited";
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`${instance.id} failed to start: ${reason}`, { cause: error });
    }
  }

  async function halt(instance: ManagedInstance): Promise<void> {
    const running = instance.process;
    if (!running || instance.state === "stopped") return;
    instance.state = "stopping";
    await stopProcess(running.child, running.exited);
    instance.state = "stopped";
  }

  const stopAll = async () => {
    await Promise.all(instances.map(halt));
  };

  // Orders needs the users and products ports, which are only known once those replicas listen.
  for (const wave of [
    instances.filter((instance) => instance.service !== "orders"),
    instances.filter((instance) => instance.service === "orders"),
  ]) {
    // allSettled, not all: every launch must have finished before a failure stops the ones that did start.
    const failed = (await Promise.allSettled(wave.map(launch))).find(
      (result) => result.status === "rejected",
    );
    if (failed) {
      await stopAll();
      throw failed.reason;
    }
  }

  const find = (id: string): ManagedInstance => {
    const instance = byId.get(id);
    if (!instance) throw new Error(`no instance "${id}"; known: ${[...byId.keys()].join(", ")}`);
    return instance;
  };

  return {
    instances,
    instance: find,
    stopInstance: (id) => halt(find(id)),
    startInstance: async (id) => {
      const instance = find(id);
      if (instance.state !== "stopped" && instance.state !== "exited") {
        throw new Error(`${id} is ${instance.state}; only a stopped or exited instance can be started`);
      }
      await launch(instance);
    },
    stop: stopAll,
  };
}

export type { ExitInfo };
