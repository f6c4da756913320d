import { createHash } from "node:crypto";
import pg from "pg";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_HEALTH_THRESHOLDS, SpanKind, type NormalizedSpan } from "@switchyard/contracts";
import { updateServiceGraph, TelemetryQueries, TelemetryWriter } from "@switchyard/telemetry-store";
import { createTestDatabase, type TestDatabase } from "@switchyard/test-fixtures";
import { createApiHarness } from "./test-harness";

/**
 * Known telemetry written through the real writer, read back through the tRPC procedures: every number the
 * dashboard shows must be exactly the store's number for the same window, and organization A must never
 * see anything of organization B.
 */

let testDb: TestDatabase;
let pool: pg.Pool;
let queries: TelemetryQueries;
let harness: ReturnType<typeof createApiHarness>;
let alice: Awaited<ReturnType<ReturnType<typeof createApiHarness>["signUp"]>>;
let bob: typeof alice;
const orgIds = { a: "", b: "" };

const NOW = Date.now();
const START = Math.floor(NOW / 60_000) * 60_000 - 5 * 60_000;
const WINDOW = { from: new Date(START), to: new Date(START + 5 * 60_000) };
const range = { kind: "custom" as const, ...WINDOW };
const hex = (seed: string, length: number) =>
  createHash("sha256").update(seed).digest("hex").slice(0, length);
let batches = 0;

function span(seed: string, over: Partial<NormalizedSpan>): NormalizedSpan {
  return {
    traceId: hex(`trace-${seed}`, 32),
    spanId: hex(`span-${seed}`, 16),
    parentSpanId: null,
    service: "switchyard-gateway",
    name: "GET",
    kind: SpanKind.SERVER,
    startUs: START * 1000,
    durationUs: 10_000,
    status: 0,
    route: "/api/orders",
    version: "stable",
    httpStatusCode: 200,
    attributes: {},
    ...over,
  };
}

/**
 * One request through gateway -> orders -> users and products; every fifth fails in orders. The even ones
 * pass gateway-a, the odd ones gateway-b, and each gateway's share of orders v2 is its own: 8 of 15 through
 * gateway-a (i % 4 === 0), 3 of 15 through gateway-b (i % 10 === 3).
 */
function shopTrace(i: number): NormalizedSpan[] {
  const startMs = START + (i % 5) * 60_000 + 1_000 + i;
  const fails = i % 5 === 0;
  const gateway = span(`g${i}`, {
    startUs: startMs * 1000,
    durationUs: 40_000 + i * 3_000,
    httpStatusCode: fails ? 500 : 200,
    // Two gateway instances in front of the same shop, as the ingest stores them.
    attributes: { "service.instance.id": i % 2 === 0 ? "gateway-a" : "gateway-b" },
  });
  const orders = span(`o${i}`, {
    traceId: gateway.traceId,
    parentSpanId: gateway.spanId,
    service: "orders",
    route: i % 2 ? "/orders" : "/orders/:id",
    version: i % 4 === 0 || i % 10 === 3 ? "v2" : "v1",
    startUs: (startMs + 1) * 1000,
    durationUs: 30_000 + i * 3_000,
    httpStatusCode: fails ? 500 : 200,
    status: fails ? 2 : 0,
  });
  const users = span(`u${i}`, {
    traceId: gateway.traceId,
    parentSpanId: orders.spanId,
    service: "users",
    route: "/users/:id",
    startUs: (startMs + 2) * 1000,
    durationUs: 5_000 + i * 100,
  });
  const products = span(`p${i}`, {
    traceId: gateway.traceId,
    parentSpanId: orders.spanId,
    service: "products",
    route: "/products",
    startUs: (startMs + 8) * 1000,
    durationUs: 8_000 + i * 200,
  });
  return [gateway, orders, users, products];
}

async function write(organizationId: string, spans: NormalizedSpan[]) {
  await new TelemetryWriter(pool).write({
    signal: "traces",
    organizationId,
    batchId: hex(`batch-${batches++}`, 64),
    receivedAtMs: NOW,
    spans,
    rejected: 0,
  });
}

async function expectCode(promise: Promise<unknown>, code: TRPCError["code"]) {
  await expect(promise).rejects.toSatisfy((e: unknown) => e instanceof TRPCError && e.code === code);
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  pool = new pg.Pool({ connectionString: testDb.url, max: 4 });
  queries = new TelemetryQueries(pool);
  harness = createApiHarness(testDb.db, { telemetryPool: pool });
  alice = await harness.signUp("alice@a.example");
  bob = await harness.signUp("bob@b.example");
  orgIds.a = (await (await alice.caller()).organization.create({ name: "Org A", slug: "org-a" })).id;
  orgIds.b = (await (await bob.caller()).organization.create({ name: "Org B", slug: "org-b" })).id;
  await write(orgIds.a, Array.from({ length: 30 }, (_, i) => shopTrace(i)).flat());
  await write(orgIds.b, [span("secret", { service: "secret-billing", startUs: (START + 2_000) * 1000 })]);
  await updateServiceGraph(pool);
});

afterAll(async () => {
  await pool.end();
  await testDb?.drop();
});

describe("telemetry procedures", () => {
  it("overview: every service with exactly the store's numbers for the same window", async () => {
    const inA = await alice.caller("org-a");
    const overview = await inA.telemetry.overview({ range });
    expect(overview.window).toEqual({ ...WINDOW, stepSeconds: 60 });
    expect(overview.services.map((s) => s.name)).toEqual([
      "orders",
      "products",
      "switchyard-gateway",
      "users",
    ]);
    for (const row of overview.services) {
      const points = await queries.red({
        organizationId: orgIds.a,
        service: row.name,
        ...WINDOW,
        stepSeconds: 60,
      });
      expect(row.points).toEqual(points);
      const [whole] = await queries.red({
        organizationId: orgIds.a,
        service: row.name,
        ...WINDOW,
        stepSeconds: 300,
      });
      expect(row.totals).toEqual({
        count: whole!.count,
        errors: whole!.errors,
        rate: whole!.count / 300,
        errorRate: whole!.errorRate,
        p50Ms: whole!.p50Ms,
        p95Ms: whole!.p95Ms,
        p99Ms: whole!.p99Ms,
      });
    }
    const orders = overview.services.find((s) => s.name === "orders")!;
    expect(orders.totals).toMatchObject({ count: 30, errors: 6, errorRate: 0.2 });
    expect(orders.health).toBe("critical");
    expect(overview.services.find((s) => s.name === "users")!.health).toBe("healthy");
  });

  it("the time range changes the numbers", async () => {
    const inA = await alice.caller("org-a");
    const firstMinute = { kind: "custom" as const, from: WINDOW.from, to: new Date(START + 60_000) };
    const narrow = await inA.telemetry.overview({ range: firstMinute });
    expect(narrow.services.find((s) => s.name === "orders")!.totals.count).toBe(6);
  });

  it("service map: each gateway -> orders -> users and products, edges equal to the store's graph", async () => {
    const inA = await alice.caller("org-a");
    const map = await inA.telemetry.serviceMap({ range });
    expect(map.edges.map((e) => `${e.client}->${e.server}`)).toEqual([
      "orders->products",
      "orders->users",
      "switchyard-gateway/gateway-a->orders",
      "switchyard-gateway/gateway-b->orders",
    ]);
    const graph = await queries.serviceGraph({ organizationId: orgIds.a, ...WINDOW });
    expect(map.edges.map(({ versions: _versions, ...edge }) => edge)).toEqual(graph);
    const gateways = map.nodes.filter((n) => n.kind === "gateway");
    expect(gateways.map((n) => [n.label, n.totals?.count])).toEqual([
      ["gateway-a", 15],
      ["gateway-b", 15],
    ]);
    // Each gateway's edge splits by the versions that answered its own calls (v2 errors: i = 0 and 20).
    const split = (client: string) =>
      map.edges
        .find((e) => e.client === client && e.server === "orders")!
        .versions.map((v) => [v.version, v.totals.count, v.totals.errors]);
    expect(split("switchyard-gateway/gateway-a")).toEqual([
      ["v1", 7, 1],
      ["v2", 8, 2],
    ]);
    expect(split("switchyard-gateway/gateway-b")).toEqual([
      ["v1", 12, 3],
      ["v2", 3, 0],
    ]);
    for (const edge of map.edges.filter((e) => e.versions.length > 0)) {
      expect(edge.versions.reduce((sum, v) => sum + v.totals.count, 0)).toBe(edge.count);
      expect(edge.versions.reduce((sum, v) => sum + v.totals.errors, 0)).toBe(edge.errors);
    }
    // A caller whose calls all reached one version is drawn whole.
    expect(map.edges.find((e) => e.server === "users")!.versions).toEqual([]);
  });

  it("service detail: by route and version, filtered totals, recent error and slow traces", async () => {
    const inA = await alice.caller("org-a");
    const detail = await inA.telemetry.service({ range, service: "orders" });
    expect(detail.byVersion.map((v) => [v.key, v.totals.count])).toEqual([
      ["v1", 19],
      ["v2", 11],
    ]);
    expect(detail.byRoute.map((r) => [r.key, r.totals.count])).toEqual([
      ["/orders", 15],
      ["/orders/:id", 15],
    ]);
    expect(detail.recentErrors).toHaveLength(6);
    expect(detail.recentErrors.every((t) => t.error && t.service === "orders")).toBe(true);
    expect(detail.recentSlow.every((t) => t.durationMs >= 500)).toBe(true);
    expect(detail.targets).toEqual([]);

    const v2 = await inA.telemetry.service({ range, service: "orders", version: "v2" });
    const storeV2 = await queries.red({
      organizationId: orgIds.a,
      service: "orders",
      version: "v2",
      ...WINDOW,
      stepSeconds: 60,
    });
    expect(v2.points).toEqual(storeV2);
    expect(v2.totals.count).toBe(11);
    const both = await inA.telemetry.service({
      range,
      service: "orders",
      version: "v2",
      route: "/orders/:id",
    });
    expect(both.totals.count).toBe(8);
  });

  it("traces: search by service, status and duration, then the whole trace by id", async () => {
    const inA = await alice.caller("org-a");
    const found = await inA.telemetry.searchTraces({ range, service: "orders", status: "error", limit: 50 });
    expect(found).toHaveLength(6);
    const slow = await inA.telemetry.searchTraces({
      range,
      service: "switchyard-gateway",
      minDurationMs: 100,
      limit: 50,
    });
    expect(slow.every((t) => t.durationMs >= 100)).toBe(true);
    expect(slow.length).toBe(10);
    const trace = await inA.telemetry.trace({ traceId: found[0]!.traceId });
    expect(trace.map((s) => s.service).sort()).toEqual(["orders", "products", "switchyard-gateway", "users"]);
  });

  it("answers bad input naming the field", async () => {
    const inA = await alice.caller("org-a");
    await expectCode(inA.telemetry.trace({ traceId: "not-hex" }), "BAD_REQUEST");
    await expectCode(
      inA.telemetry.overview({ range: { kind: "custom", from: WINDOW.to, to: WINDOW.from } }),
      "BAD_REQUEST",
    );
  });
});

describe("health thresholds", () => {
  it("start at the design brief's defaults; an admin's change moves every badge and is audited", async () => {
    const inA = await alice.caller("org-a");
    expect(await inA.telemetry.thresholds()).toEqual(DEFAULT_HEALTH_THRESHOLDS);
    const loose = { errorRateWarning: 0.3, errorRateCritical: 0.5, p99WarningMs: 5000, p99CriticalMs: 10000 };
    expect(await inA.telemetry.updateThresholds(loose)).toEqual(loose);
    const overview = await inA.telemetry.overview({ range });
    expect(overview.services.find((s) => s.name === "orders")!.health).toBe("healthy");
    const audit = await inA.audit.list({ limit: 10, action: "health_thresholds.update" });
    expect(audit.events).toHaveLength(1);
    // B's thresholds are untouched by A's change.
    expect(await (await bob.caller("org-b")).telemetry.thresholds()).toEqual(DEFAULT_HEALTH_THRESHOLDS);
    await inA.telemetry.updateThresholds(DEFAULT_HEALTH_THRESHOLDS);
  });

  it("refuses a critical line below the warning line, naming the field, and a viewer's change", async () => {
    const inA = await alice.caller("org-a");
    await expect(
      inA.telemetry.updateThresholds({ ...DEFAULT_HEALTH_THRESHOLDS, p99CriticalMs: 10 }),
    ).rejects.toSatisfy(
      (e: unknown) =>
        e instanceof TRPCError &&
        e.code === "BAD_REQUEST" &&
        JSON.stringify(e.cause).includes("p99CriticalMs"),
    );
    const carol = await harness.signUp("carol@a.example");
    await testDb.db.member.create({
      data: {
        id: "member-carol",
        organizationId: orgIds.a,
        userId: (await userId("carol@a.example"))!,
        role: "viewer",
      },
    });
    const asViewer = await carol.caller("org-a");
    expect((await asViewer.telemetry.overview({ range })).services.length).toBe(4);
    await expectCode(asViewer.telemetry.updateThresholds(DEFAULT_HEALTH_THRESHOLDS), "FORBIDDEN");
  });
});

async function userId(email: string) {
  return (await testDb.db.user.findUnique({ where: { email }, select: { id: true } }))?.id;
}

describe("ingest statistics", () => {
  it("show a batch the database refused as dropped, for its organization only", async () => {
    const lastQuarter = { range: { kind: "preset" as const, preset: "15m" as const } };
    const inB = await bob.caller("org-b");
    const before = await inB.telemetry.ingestStats(lastQuarter);
    expect(before).toEqual([
      { signal: "traces", batches: 1, stored: 1, rejected: 0, ignored: 0, dropped: 0 },
    ]);
    await write(orgIds.b, [span("refused", { httpStatusCode: 2 ** 40 })]);
    expect(await inB.telemetry.ingestStats(lastQuarter)).toEqual([
      { signal: "traces", batches: 2, stored: 1, rejected: 0, ignored: 0, dropped: 1 },
    ]);
    const inA = await alice.caller("org-a");
    expect((await inA.telemetry.ingestStats(lastQuarter))[0]).toMatchObject({ dropped: 0 });
  });
});

describe("telemetry tenant isolation", () => {
  it("organization A never sees B's services, edges or traces", async () => {
    const inA = await alice.caller("org-a");
    const overview = await inA.telemetry.overview({ range });
    expect(overview.services.some((s) => s.name === "secret-billing")).toBe(false);
    const map = await inA.telemetry.serviceMap({ range });
    expect(map.nodes.some((n) => n.id === "secret-billing")).toBe(false);
    const detail = await inA.telemetry.service({ range, service: "secret-billing" });
    expect(detail.totals.count).toBe(0);
    expect(await inA.telemetry.searchTraces({ range, service: "secret-billing", limit: 50 })).toEqual([]);
    await expectCode(inA.telemetry.trace({ traceId: hex("trace-secret", 32) }), "NOT_FOUND");

    const inB = await bob.caller("org-b");
    expect((await inB.telemetry.overview({ range })).services.map((s) => s.name)).toEqual(["secret-billing"]);
    expect((await inB.telemetry.trace({ traceId: hex("trace-secret", 32) })).length).toBe(1);
  });

  it("a non-member naming A's slug gets 404, and nobody signed out gets anything", async () => {
    await expectCode((await bob.caller("org-a")).telemetry.overview({ range }), "NOT_FOUND");
    await expectCode((await harness.anonymous("org-a")).telemetry.overview({ range }), "UNAUTHORIZED");
  });
});
