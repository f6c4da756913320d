import { expect, type Page } from "@playwright/test";

/**
 * Sends `count` GETs to /api/orders through a gateway (from the test process, not the browser, 16 at a time)
 * and returns the share v2 answered; every answer must be a 200 (checked once at the end: an assertion per
 * request would cost a trace step each).
 */
export async function canaryShare(gatewayUrl: string, count: number): Promise<number> {
  let v2 = 0;
  let sent = 0;
  const failures: string[] = [];
  const worker = async () => {
    while (sent < count) {
      sent++;
      const response = await fetch(`${gatewayUrl}/api/orders`);
      const body = await response.text();
      if (response.status !== 200) failures.push(`${response.status} ${body}`);
      if (response.headers.get("x-service-version") === "v2") v2++;
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  expect(failures, `${gatewayUrl}/api/orders answered other than 200`).toEqual([]);
  return v2 / count;
}

/** Opens the Traffic page on the demo's "edge" group (other tests may have made groups: then it picks). */
export async function openEdgeTraffic(page: Page) {
  await page.getByRole("link", { name: "Traffic" }).click();
  const picker = page.getByLabel("Gateway group");
  await expect(picker.or(page.getByRole("heading", { name: /^Revision \d+$/ })).first()).toBeVisible();
  if ((await picker.count()) > 0) await picker.selectOption({ label: "edge" });
  await expect(page.getByLabel("Canary share of orders")).toBeVisible();
}

/** Drags the orders canary thumb from 0% to `percent` of the track with the mouse; it is sent on release. */
export async function dragOrdersCanary(page: Page, percent: number) {
  const slider = page.getByLabel("Canary share of orders");
  const box = (await slider.boundingBox())!;
  const thumb = 8; // half of Chromium's range thumb
  const xAt = (value: number) => box.x + thumb + (value / 100) * (box.width - 2 * thumb);
  await page.mouse.move(xAt(0), box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(xAt(percent), box.y + box.height / 2, { steps: 10 });
  await page.mouse.up();
  await expect(page.getByTestId("canary-value-orders")).toContainText(`${percent}%`);
}

/** The number in the Traffic page's "Revision N" heading: the group's latest revision. */
export async function latestRevisionNumber(page: Page): Promise<number> {
  const heading = page.getByRole("heading", { name: /^Revision \d+$/ });
  return Number((await heading.textContent())?.split(" ")[1]);
}

/** What a gateway serves, from its admin `/status`: the revision and each route's rate limit (defaults applied). */
export async function gatewayStatus(adminUrl: string) {
  const response = await fetch(`${adminUrl}/status`);
  expect(response.status).toBe(200);
  return (await response.json()) as {
    revision: { number: number } | null;
    routes: Array<{ id: string; rateLimit: Record<string, unknown> | null }>;
    sharedRateLimits: { connection: string; sharedDecisions: number; localFallbacks: number };
  };
}

/** Sends GETs to `path` one after another, alternating between the gateways, and returns their statuses. */
export async function statusesAcross(
  gatewayUrls: string[],
  path: string,
  headers: Record<string, string>,
  count: number,
): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${gatewayUrls[i % gatewayUrls.length]}${path}`, { headers });
    await response.arrayBuffer();
    statuses.push(response.status);
  }
  return statuses;
}
