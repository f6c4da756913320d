import { expect, test, type APIRequestContext } from "@playwright/test";
import { demoStack, stackLogOf } from "../support/demo-stack";
import { signInAsAdmin } from "../support/demo";

interface Totals {
  count: number;
  errors: number;
  errorRate: number;
  p99Ms: number | null;
}
interface ServiceDetail {
  totals: Totals;
  byRoute: Array<{ key: string; totals: Totals }>;
}

const WEB = "switchyard-web";
const AGENT_ROUTE = "/api/agent/v1/[...path]";

async function trpcQuery<T>(request: APIRequestContext, procedure: string, input: unknown): Promise<T> {
  const query = encodeURIComponent(JSON.stringify({ json: input }));
  const response = await request.get(`/api/trpc/${procedure}?input=${query}`, {
    headers: { "x-switchyard-org": "demo" },
  });
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { result: { data: { json: T } } }).result.data.json;
}

// The stack sends web's and worker's own telemetry to itself (`npm run up` does the same), so the web app is
// a service on the map like any other and has to read as healthy when nothing is wrong.
test("the web app's own telemetry: no OpenTelemetry warnings, 4xx and config watches left out of its signals", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const base = demoStack().url;
  const started = new Date();

  await test.step("requests that are the caller's mistake answer 4xx", async () => {
    expect((await fetch(`${base}/api/trpc/viewer.me`)).status).toBe(401);
    expect((await fetch(`${base}/no-such-page`)).status).toBe(404);
    const heartbeat = await fetch(`${base}/api/agent/v1/heartbeat`, {
      method: "POST",
      headers: { authorization: "Bearer sy_agt_unknown" },
    });
    expect(heartbeat.status).toBe(401);
    await signInAsAdmin(page);
    const otherOrganization = await page.request.get("/api/trpc/telemetry.thresholds", {
      headers: { "x-switchyard-org": "no-such-organization" },
    });
    expect(otherOrganization.status()).toBe(404);
    await page.goto("/o/demo/map");
    await expect(page.getByRole("heading", { name: "Service map" })).toBeVisible();
  });

  const range = {
    kind: "custom",
    from: new Date(started.getTime() - 30 * 60_000).toISOString(),
    to: new Date(started.getTime() + 10 * 60_000).toISOString(),
  };

  await test.step("the watches are kept as traces", async () => {
    // The agents' watches end every 30 s; by now each gateway has held at least one to the end.
    await expect(async () => {
      const watches = await trpcQuery<unknown[]>(page.request, "telemetry.searchTraces", {
        range,
        service: WEB,
        route: AGENT_ROUTE,
        minDurationMs: 20_000,
      });
      expect(watches.length).toBeGreaterThan(0);
      // The tRPC 401 above is in too: the web's export that carried it has been written.
      const trpc = await trpcQuery<Array<{ start: string }>>(page.request, "telemetry.searchTraces", {
        range,
        service: WEB,
        route: "/api/trpc/[trpc]",
      });
      expect(trpc.some((t) => new Date(t.start) >= started)).toBe(true);
    }).toPass({ timeout: 60_000, intervals: [2_000] });
  });

  await test.step("its golden signals count no 4xx as errors and no watch as latency", async () => {
    const detail = await trpcQuery<ServiceDetail>(page.request, "telemetry.service", { range, service: WEB });
    expect(detail.totals.count).toBeGreaterThan(0);
    // Soft: the log step below still runs and reports when these fail.
    expect.soft(detail.totals.errors).toBe(0);
    // Heartbeats and acks take milliseconds; a watch held for 30 s would put this route's p99 past 10 s.
    const agentApi = detail.byRoute.find((route) => route.key === AGENT_ROUTE);
    expect(agentApi?.totals.count ?? 0).toBeGreaterThan(0);
    expect.soft(agentApi!.totals.p99Ms ?? 0).toBeLessThan(10_000);
  });

  await test.step("the web app logged no span used after it ended", async () => {
    const warnings = (await stackLogOf("web")).filter((line) =>
      /ended Span|end\(\) on a span once/.test(line),
    );
    expect(warnings).toEqual([]);
  });
});
