import { expect, test, type Page } from "@playwright/test";
import { formatMs, formatPercent, formatRate } from "../../apps/web/src/components/dashboard/format";
import { clearFaults, setFaults } from "@switchyard/demo";
import { demoStack } from "../support/demo-stack";
import { signInAsAdmin } from "../support/demo";
import { readmeScreenshot } from "../support/screenshots";

interface OverviewRow {
  name: string;
  totals: { count: number; rate: number; errorRate: number; p50Ms: number | null; p99Ms: number | null };
}

/** Bounded: `count` GETs per service through one gateway, 8 at a time, loopback only. */
async function sendTraffic(gatewayUrl: string, count: number) {
  for (const service of ["users", "products", "orders"]) {
    let sent = 0;
    const worker = async () => {
      while (sent < count) {
        sent++;
        const response = await fetch(`${gatewayUrl}/api/${service}`);
        await response.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  }
}

/** The overview as the API answers it, for the same custom window the page shows. */
async function overviewFromApi(page: Page, range: { from: string; to: string }): Promise<OverviewRow[]> {
  const input = encodeURIComponent(JSON.stringify({ json: { range: { kind: "custom", ...range } } }));
  const response = await page.request.get(`/api/trpc/telemetry.overview?input=${input}`, {
    headers: { "x-switchyard-org": "demo" },
  });
  expect(response.ok()).toBe(true);
  const body = (await response.json()) as { result: { data: { json: { services: OverviewRow[] } } } };
  return body.result.data.json.services;
}

test("live telemetry from the demo shop through a gateway: the overview shows the API's numbers", async ({
  page,
}) => {
  // Waits for a minute boundary to pass (up to a minute) on top of the usual steps.
  test.setTimeout(150_000);
  const gateway = demoStack().gateways[0]!;
  await signInAsAdmin(page);
  await sendTraffic(gateway.url, 40);

  // The stack's traffic generators never stop, so the window ends at the next minute boundary: once it has
  // passed and the last exports are in, the per-minute rollups inside the window no longer change.
  const now = Date.now();
  const closedAt = Math.ceil(now / 60_000) * 60_000;
  const range = { from: new Date(now - 30 * 60_000).toISOString(), to: new Date(closedAt).toISOString() };
  await new Promise((r) => setTimeout(r, Math.max(0, closedAt + 5_000 - Date.now())));
  // The gateway exports every few seconds and the worker writes in batches: wait until all three show up
  // and two reads agree (nothing still in flight).
  let services: OverviewRow[] = [];
  await expect(async () => {
    const first = await overviewFromApi(page, range);
    await new Promise((r) => setTimeout(r, 1_500));
    services = await overviewFromApi(page, range);
    for (const name of ["users", "products", "orders"]) {
      expect(services.find((s) => s.name === name)?.totals.count ?? 0).toBeGreaterThan(0);
    }
    expect(services).toEqual(first);
  }).toPass({ timeout: 45_000, intervals: [2_000] });

  await page.goto(`/o/demo?range=custom&from=${range.from}&to=${range.to}&refresh=off`);
  for (const name of ["users", "products", "orders"]) {
    const row = page.locator(`tr[data-service="${name}"]`);
    const totals = services.find((s) => s.name === name)!.totals;
    await expect(row.locator('[data-metric="rate"]')).toHaveText(formatRate(totals.rate));
    await expect(row.locator('[data-metric="errorRate"]')).toHaveText(formatPercent(totals.errorRate));
    await expect(row.locator('[data-metric="p50"]')).toHaveText(formatMs(totals.p50Ms));
    await expect(row.locator('[data-metric="p99"]')).toHaveText(formatMs(totals.p99Ms));
  }
  await page.screenshot({ path: "test-results/screenshots/overview-live.png", fullPage: true });

  await test.step("the map draws gateway → orders → users and products from real traces", async () => {
    // An order by id makes orders call users and products, each hop passing the trace on.
    for (let i = 0; i < 20; i++) {
      const response = await fetch(`${gateway.url}/api/orders/ord_9001`);
      await response.arrayBuffer();
      expect(response.status).toBe(200);
    }
    const input = encodeURIComponent(JSON.stringify({ json: { range: { kind: "custom", ...range } } }));
    await expect(async () => {
      const response = await page.request.get(`/api/trpc/telemetry.serviceMap?input=${input}`, {
        headers: { "x-switchyard-org": "demo" },
      });
      const body = (await response.json()) as {
        result: { data: { json: { edges: Array<{ client: string; server: string }> } } };
      };
      const edges = body.result.data.json.edges.map((edge) => `${edge.client} -> ${edge.server}`);
      expect(edges).toEqual(
        expect.arrayContaining([
          "switchyard-gateway/gateway-a -> orders",
          "orders -> users",
          "orders -> products",
        ]),
      );
    }).toPass({ timeout: 60_000, intervals: [3_000] });
    await page.goto(`/o/demo/map?range=custom&from=${range.from}&to=${range.to}&refresh=off`);
    // The screenshot is of the drawn map, not of its loading state.
    const calls = page.getByTestId("map-edges");
    for (const edge of ["switchyard-gateway/gateway-a->orders", "orders->users", "orders->products"]) {
      await expect(calls.locator(`[data-edge="${edge}"]`)).toBeVisible();
    }
    await expect(page.getByTestId("service-map").getByText(/\/s/).first()).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/map-live.png", fullPage: true });
  });

  await test.step("a narrower range changes the numbers", async () => {
    const earlier = {
      from: new Date(now - 90 * 60_000).toISOString(),
      to: new Date(now - 60 * 60_000).toISOString(),
    };
    await page.goto(`/o/demo?range=custom&from=${earlier.from}&to=${earlier.to}&refresh=off`);
    await expect(page.getByText("No telemetry in this time range")).toBeVisible();
  });

  await test.step("the orders page shows its versions", async () => {
    await page.goto(`/o/demo/services/orders?range=custom&from=${range.from}&to=${range.to}&refresh=off`);
    await expect(page.getByRole("heading", { name: "By version" })).toBeVisible();
    await expect(page.locator('[data-version="v1"]')).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/service-live.png", fullPage: true });
  });

  await test.step("a slow request, opened from the orders page, shows its waterfall across services", async () => {
    // Both users replicas answer 800 ms late for a moment: orders waits for users, so the trace is slow on
    // the gateway, orders and users, and slow traces are always kept whatever the sampling rate.
    const users = demoStack().instances.filter((instance) => instance.service === "users");
    try {
      await Promise.all(users.map((replica) => setFaults(replica.url, { latencyMs: 800 })));
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`${gateway.url}/api/orders/ord_9001`);
        await response.arrayBuffer();
        expect(response.status).toBe(200);
      }
    } finally {
      await Promise.all(users.map((replica) => clearFaults(replica.url)));
    }
    const slow = page.getByRole("region", { name: "Recent slow requests (over 500 ms)" });
    // The spans reach the store within a few seconds; the page is read again until they are listed.
    await expect(async () => {
      await page.goto("/o/demo/services/orders?range=15m&refresh=off");
      await expect(slow.getByRole("link").first()).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 60_000, intervals: [3_000] });
    await page.screenshot(readmeScreenshot("service"));
    await slow.getByRole("link").first().click();
    await expect(page).toHaveURL(/\/o\/demo\/traces\/[0-9a-f]{32}/);
    const waterfall = page.getByTestId("waterfall");
    await expect(waterfall).toBeVisible();
    await expect(waterfall.getByText("orders").first()).toBeVisible();
    await expect(waterfall.getByText("users").first()).toBeVisible();
    await page.screenshot(readmeScreenshot("trace"));
  });

  await test.step("a trace found on the traces page opens as a waterfall", async () => {
    await page.goto(`/o/demo/traces?range=custom&from=${range.from}&to=${range.to}&refresh=off`);
    const first = page.getByTestId("trace-list").getByRole("link").first();
    await expect(first).toBeVisible();
    // The count is of the newest matches listed, not of every trace in the range.
    await expect(page.getByRole("heading", { name: /^Latest \d+ traces?$/ })).toBeVisible();
    await page.screenshot(readmeScreenshot("traces"));
    await first.click();
    await expect(page.getByTestId("waterfall")).toBeVisible();
    const span = page.getByTestId("waterfall").getByRole("button").first();
    await span.click();
    await expect(span).toHaveAttribute("aria-expanded", "true");
    await expect(page.getByText("span id")).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/trace-live.png", fullPage: true });
  });
});
