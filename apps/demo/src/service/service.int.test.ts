import { spawn } from "node:child_process";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clearFaults, setFaults } from "../admin-client";
import { serviceEntryArgs } from "../service-entry";
import { type ServiceProcess, spawnService, stopProcess } from "../shop/child";
import { httpJson } from "../testing/http";

const started: ServiceProcess[] = [];

async function startService(flags: string[], env: Record<string, string> = {}): Promise<string> {
  const service = await spawnService({ flags, env, readyTimeoutMs: 30_000, onLine: () => undefined });
  started.push(service);
  return `http://127.0.0.1:${service.port}`;
}

/** Runs the service binary expecting it to refuse to start; returns its exit code and stderr. */
async function failedStart(flags: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [...serviceEntryArgs(), ...flags], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stderr };
}

let usersUrl: string;
let productsUrl: string;
let ordersV1Url: string;
let ordersV2Url: string;

beforeAll(async () => {
  [usersUrl, productsUrl] = await Promise.all([
    startService(["--service", "users", "--port", "0", "--instance-id", "users-t1"]),
    startService(["--service", "products", "--port", "0", "--instance-id", "products-t1"]),
  ]);
  const downstream = ["--users-url", usersUrl, "--products-url", productsUrl];
  [ordersV1Url, ordersV2Url] = await Promise.all([
    startService([
      "--service",
      "orders",
      "--version",
      "v1",
      "--port",
      "0",
      "--instance-id",
      "orders-t1",
      ...downstream,
    ]),
    startService([
      "--service",
      "orders",
      "--version",
      "v2",
      "--port",
      "0",
      "--instance-id",
      "orders-t2",
      ...downstream,
    ]),
  ]);
});

afterAll(async () => {
  await Promise.all(started.map((service) => stopProcess(service.child, service.exited)));
});

describe("API routes", () => {
  it("serves users and products with the replica's identity headers", async () => {
    const user = await httpJson("GET", `${usersUrl}/users/1001`);
    expect(user.status).toBe(200);
    expect(user.body).toMatchObject({
      id: 1001,
      name: expect.any(String),
      email: expect.stringContaining("@"),
    });
    expect(user.headers["x-served-by"]).toBe("users-t1");
    expect(user.headers["x-service-version"]).toBe("v1");
    expect(user.headers["x-request-id"]).toEqual(expect.any(String));

    const list = await httpJson("GET", `${productsUrl}/products?category=audio&limit=2`);
    expect(list.body).toMatchObject({ total: 4, limit: 2, offset: 0 });
    expect((list.body as { products: { category: string }[] }).products.map((p) => p.category)).toEqual([
      "audio",
      "audio",
    ]);
  });

  it("answers unknown ids, routes and parameters with JSON errors", async () => {
    expect(await httpJson("GET", `${usersUrl}/users/42`)).toMatchObject({
      status: 404,
      body: { error: "not_found", message: "user 42 does not exist" },
    });
    expect((await httpJson("GET", `${usersUrl}/carts`)).status).toBe(404);
    expect((await httpJson("DELETE", `${usersUrl}/users`)).headers.allow).toBe("GET");
    expect(await httpJson("GET", `${productsUrl}/products?limit=1000`)).toMatchObject({
      status: 400,
      body: { issues: [{ field: "query.limit" }] },
    });
  });

  it("orders reads the user and products of an order from the other services", async () => {
    const v1 = await httpJson("GET", `${ordersV1Url}/orders/ord_9001`);
    expect(v1.status).toBe(200);
    expect(v1.body).toMatchObject({
      id: "ord_9001",
      customer: { id: expect.any(Number), name: expect.any(String) },
      items: expect.arrayContaining([expect.objectContaining({ name: expect.any(String) })]),
    });
    expect(v1.body).not.toHaveProperty("taxCents");

    const v2 = await httpJson("GET", `${ordersV2Url}/orders/ord_9001`);
    expect(v2.headers["x-service-version"]).toBe("v2");
    const { totalCents, taxCents, grandTotalCents } = v2.body as Record<string, number>;
    expect(grandTotalCents).toBe(totalCents! + taxCents!);
  });

  it("creates an order priced from the products service", async () => {
    const created = await httpJson("POST", `${ordersV1Url}/orders`, {
      body: { userId: 1002, items: [{ productId: 5002, quantity: 3 }] },
    });
    expect(created.status).toBe(201);
    const order = created.body as { id: string; totalCents: number; customer: { id: number } };
    expect(order.customer.id).toBe(1002);
    expect(order.totalCents).toBe(3 * 3_900);
    expect(created.headers.location).toBe(`/orders/${order.id}`);
    expect((await httpJson("GET", `${ordersV1Url}/orders/${order.id}`)).status).toBe(200);
  });

  it("refuses bad orders naming the field", async () => {
    const invalid = await httpJson("POST", `${ordersV1Url}/orders`, {
      body: { userId: "x", items: [{ productId: 5001, quantity: 0 }] },
    });
    expect(invalid.status).toBe(400);
    expect((invalid.body as { issues: { field: string }[] }).issues.map((issue) => issue.field)).toEqual([
      "body.userId",
      "body.items.0.quantity",
    ]);
    const unknown = await httpJson("POST", `${ordersV1Url}/orders`, {
      body: {
        userId: 1001,
        items: [
          { productId: 5001, quantity: 1 },
          { productId: 5999, quantity: 1 },
        ],
      },
    });
    expect(unknown).toMatchObject({
      status: 422,
      body: { message: expect.stringContaining("body.items.1.productId") },
    });
    expect((await httpJson("POST", `${ordersV1Url}/orders`, { rawBody: "{" })).status).toBe(400);
  });
});

describe("fault injection", () => {
  it("fails about the configured share of requests, the same way for the same seed", async () => {
    await setFaults(usersUrl, { errorRate: 0.3, errorStatus: 503, seed: 2024 });
    const statuses = async () => {
      const results: number[] = [];
      for (let i = 0; i < 300; i++) results.push((await httpJson("GET", `${usersUrl}/users/1001`)).status);
      return results;
    };
    const first = await statuses();
    const failures = first.filter((status) => status === 503).length;
    expect(failures).toBeGreaterThan(60);
    expect(failures).toBeLessThan(120);
    expect(new Set(first)).toEqual(new Set([200, 503]));

    await setFaults(usersUrl, { seed: 2024 });
    expect(await statuses()).toEqual(first);
    await clearFaults(usersUrl);
  });

  it("leaves /health and /admin alone, and answers injected errors as JSON", async () => {
    await setFaults(productsUrl, { errorRate: 1 }, "replace");
    expect(await httpJson("GET", `${productsUrl}/products/5001`)).toMatchObject({
      status: 500,
      body: { error: "injected_fault" },
    });
    expect((await httpJson("GET", `${productsUrl}/health`)).status).toBe(200);
    expect((await httpJson("GET", `${productsUrl}/admin/faults`)).status).toBe(200);
    await clearFaults(productsUrl);
  });

  it("turns a failing dependency into a 502 from orders", async () => {
    await setFaults(usersUrl, { errorRate: 1 });
    expect(await httpJson("GET", `${ordersV1Url}/orders/ord_9002`)).toMatchObject({
      status: 502,
      body: { error: "upstream_error", message: expect.stringContaining("users service answered 500") },
    });
    await clearFaults(usersUrl);
  });

  it("holds requests for the injected latency", async () => {
    await setFaults(usersUrl, { latencyMs: 150 });
    const startedAt = Date.now();
    expect((await httpJson("GET", `${usersUrl}/users/1003`)).status).toBe(200);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(145);
    await clearFaults(usersUrl);
  });

  it("flips /health to 503 and back", async () => {
    await setFaults(ordersV2Url, { healthFailing: true });
    expect(await httpJson("GET", `${ordersV2Url}/health`)).toEqual(
      expect.objectContaining({ status: 503, body: { status: "unhealthy" } }),
    );
    await clearFaults(ordersV2Url);
    expect(await httpJson("GET", `${ordersV2Url}/health`)).toEqual(
      expect.objectContaining({ status: 200, body: { status: "healthy" } }),
    );
  });

  it("merges on POST, replaces on PUT and reports the result", async () => {
    await httpJson("POST", `${usersUrl}/admin/faults`, { body: { errorRate: 0.1 } });
    const merged = await httpJson("POST", `${usersUrl}/admin/faults`, { body: { latencyMs: 5 } });
    expect(merged.body).toMatchObject({ instanceId: "users-t1", faults: { errorRate: 0.1, latencyMs: 5 } });
    const replaced = await httpJson("PUT", `${usersUrl}/admin/faults`, { body: { latencyMs: 7 } });
    expect(replaced.body).toMatchObject({ faults: { errorRate: 0, latencyMs: 7 } });
    expect((await httpJson("DELETE", `${usersUrl}/admin/faults`)).body).toMatchObject({
      faults: { latencyMs: 0 },
    });
  });

  it("refuses bad fault settings naming the field", async () => {
    const bad = await httpJson("POST", `${usersUrl}/admin/faults`, {
      body: { errorRate: 2, latencyMs: "slow" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ message: expect.stringContaining("body.errorRate") });
    expect((bad.body as { message: string }).message).toContain("body.latencyMs");
    expect(
      (await httpJson("POST", `${usersUrl}/admin/faults`, { body: { errorRat: 0.5 } })).body,
    ).toMatchObject({
      issues: [{ field: "body.errorRat", message: "is not a known field" }],
    });
    expect((await httpJson("PATCH", `${usersUrl}/admin/faults`, { body: {} })).status).toBe(405);
    expect((await httpJson("POST", `${usersUrl}/admin/faults`, { rawBody: "nope" })).status).toBe(400);
  });
});

describe("the service binary", () => {
  it("exits 2 naming a bad flag", async () => {
    const result = await failedStart(["--service", "users", "--port", "abc", "--instance-id", "x"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--port: expected an integer");
    const orders = await failedStart(["--service", "orders", "--port", "0", "--instance-id", "x"]);
    expect(orders.stderr).toContain("--users-url: is required for --service orders");
  });

  it("exits 2 naming a bad OTLP endpoint", async () => {
    const result = await failedStart(["--service", "users", "--port", "0", "--instance-id", "x"], {
      OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318",
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("OTEL_EXPORTER_OTLP_ENDPOINT");
  });

  it("exits 1 when the port is taken", async () => {
    const port = new URL(usersUrl).port;
    const result = await failedStart(["--service", "users", "--port", port, "--instance-id", "x"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("cannot listen");
  });
});
