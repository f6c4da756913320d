import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ExitInfo } from "./shop/child";
import { type Shop, type ShopInstance, startShop } from "./supervisor";
import { httpJson, isAlive, waitFor } from "./testing/http";

describe("startShop", () => {
  let shop: Shop;
  const exits: Array<{ id: string; exit: ExitInfo }> = [];

  beforeAll(async () => {
    shop = await startShop({
      ports: "ephemeral",
      onLog: () => undefined,
      onExit: (instance, exit) => exits.push({ id: instance.id, exit }),
    });
  });

  afterAll(async () => {
    await shop?.stop();
  });

  it("runs every replica as its own healthy process", async () => {
    expect(shop.instances.map((instance) => instance.id)).toEqual([
      "users-1",
      "users-2",
      "products-1",
      "products-2",
      "orders-v1-1",
      "orders-v1-2",
      "orders-v2-1",
      "orders-v2-2",
    ]);
    expect(new Set(shop.instances.map((instance) => instance.pid)).size).toBe(8);
    expect(new Set(shop.instances.map((instance) => instance.port)).size).toBe(8);
    for (const instance of shop.instances) {
      expect(instance.state).toBe("running");
      const health = await httpJson("GET", `${instance.url}/health`);
      expect(health).toMatchObject({ status: 200, body: { status: "healthy" } });
      expect(health.headers["x-served-by"]).toBe(instance.id);
      expect(health.headers["x-service-version"]).toBe(instance.version);
    }
  });

  it("wires orders to the users and products replicas", async () => {
    for (const id of ["orders-v1-1", "orders-v2-2"]) {
      const response = await httpJson("GET", `${shop.instance(id).url}/orders/ord_9005`);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ customer: { id: expect.any(Number) } });
    }
  });

  it("stops one replica on request, keeps orders working on the other, and brings it back on the same port", async () => {
    const users1 = shop.instance("users-1");
    const { pid, url } = users1;
    await shop.stopInstance("users-1");
    expect(users1.state).toBe("stopped");
    expect(isAlive(pid!)).toBe(false);
    await expect(httpJson("GET", `${url}/health`)).rejects.toThrow();
    for (let i = 0; i < 6; i++) {
      expect((await httpJson("GET", `${shop.instance("orders-v1-1").url}/orders/ord_9010`)).status).toBe(200);
    }

    await shop.startInstance("users-1");
    expect(users1.state).toBe("running");
    expect(users1.url).toBe(url);
    expect(users1.pid).not.toBe(pid);
    expect((await httpJson("GET", `${url}/health`)).status).toBe(200);
    expect(exits).toEqual([]);
  });

  it("reports a crashed replica and does not restart it", async () => {
    const products2 = shop.instance("products-2");
    const pid = products2.pid!;
    process.kill(pid, "SIGKILL");
    const crash = await waitFor("the crash report", () => exits.find((entry) => entry.id === "products-2"));
    expect(crash.exit).toEqual({ code: null, signal: "SIGKILL" });
    expect(products2.state).toBe("exited");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(products2.state).toBe("exited");
    expect(products2.pid).toBe(pid);
    await expect(shop.startInstance("users-2")).rejects.toThrow("users-2 is running");
    expect(() => shop.instance("carts-1")).toThrow('no instance "carts-1"');
  });

  it("stops every replica, leaving no process behind", async () => {
    const pids = shop.instances.map((instance) => instance.pid!);
    await shop.stop();
    expect(shop.instances.every((instance) => instance.state === "stopped")).toBe(true);
    expect(pids.filter(isAlive)).toEqual([]);
  });

  it("refuses bad options naming the field, before starting anything", async () => {
    await expect(startShop({ replicas: 0 })).rejects.toThrow("replicas");
    await expect(startShop({ ports: { users: 4101, products: 4102 } })).rejects.toThrow("ports.products");
  });
});

describe("the shop CLI", () => {
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const entry = fileURLToPath(new URL("./shop.ts", import.meta.url));
  const ephemeral = ["--replicas", "1", "--users-port", "0", "--products-port", "0"];
  const flags = [...ephemeral, "--orders-v1-port", "0", "--orders-v2-port", "0"];

  async function startCli() {
    const child = spawn(process.execPath, ["--import", tsxLoader, entry, ...flags], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = once(child, "exit");
    const lines = createInterface({ input: child.stdout });
    let ready: { instances: ShopInstance[] } | undefined;
    for await (const line of lines) {
      if (line.startsWith('{"event":"shop.ready"')) {
        ready = JSON.parse(line) as { instances: ShopInstance[] };
        break;
      }
    }
    if (!ready) throw new Error("the shop CLI exited without reporting ready");
    return { child, exited, instances: ready.instances };
  }

  it("prints the instances, and on SIGTERM stops them all and exits 0", async () => {
    const { child, exited, instances } = await startCli();
    expect(instances.map((instance) => instance.id)).toEqual([
      "users-1",
      "products-1",
      "orders-v1-1",
      "orders-v2-1",
    ]);
    for (const instance of instances)
      expect((await httpJson("GET", `${instance.url}/health`)).status).toBe(200);
    child.kill("SIGTERM");
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    expect(instances.map((instance) => instance.pid!).filter(isAlive)).toEqual([]);
  });

  it("leaves no orphans even when the supervisor is killed outright", async () => {
    const { child, exited, instances } = await startCli();
    child.kill("SIGKILL");
    await exited;
    await waitFor("every replica to exit", () =>
      instances.every((instance) => !isAlive(instance.pid!)) ? true : undefined,
    );
  });

  it("exits 2 naming a bad flag", async () => {
    const child = spawn(process.execPath, ["--import", tsxLoader, entry, "--products-port", "4101"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(2);
    expect(stderr).toContain("--products-port: port 4101 is also used by users");
  });
});
