import { fileURLToPath } from "node:url";
import { expect, test, type Page } from "@playwright/test";
import { demoStack } from "../support/demo-stack";
import { signInAsAdmin } from "../support/demo";
import { canaryShare, dragOrdersCanary, openEdgeTraffic } from "../support/traffic";

/**
 * The product's promise end to end, against exactly what `npm run up` starts (the traffic generators included):
 * live numbers, the map with both gateways, a canary dragged to 25% that both gateways apply and that traffic
 * follows, and a gateway restarted mid-flow that comes back on the latest revision. Screenshots of the way go to
 * docs/screenshots/ for the README.
 */
const screenshot = (name: string) => ({
  path: fileURLToPath(new URL(`../../docs/screenshots/${name}.png`, import.meta.url)),
  fullPage: true,
});

interface GatewayStatus {
  revisionInUse: number | null;
}

async function gatewayStatus(adminUrl: string): Promise<GatewayStatus | null> {
  try {
    const response = await fetch(`${adminUrl}/status`, { signal: AbortSignal.timeout(1_000) });
    return response.ok ? ((await response.json()) as GatewayStatus) : null;
  } catch {
    return null;
  }
}

async function latestRevision(page: Page): Promise<number> {
  const heading = await page.getByRole("heading", { name: /^Revision \d+$/ }).textContent();
  return Number(heading?.split(" ")[1]);
}

test("mission: live numbers, both gateways on the map, a 25% canary applied everywhere, a gateway restart", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const stack = demoStack();
  await page.setViewportSize({ width: 1280, height: 800 });

  await test.step("sign in; the overview shows users, products and orders with live numbers", async () => {
    await signInAsAdmin(page);
    for (const service of ["users", "products", "orders"]) {
      const rate = page.locator(`tr[data-service="${service}"] [data-metric="rate"]`);
      // The generators send 5 req/s through each gateway from the start: every service has a rate.
      await expect(rate).toHaveText(/^(?!0\/s$)[\d.<]+k?\/s$/, { timeout: 45_000 });
    }
    await page.screenshot(screenshot("overview"));
  });

  await test.step("the map shows both gateways in front of orders, and orders calling users and products", async () => {
    await page.getByRole("link", { name: "Map" }).click();
    const edges = page.getByTestId("map-edges");
    const expected = [
      ...stack.gateways.map((gateway) => `switchyard-gateway/${gateway.name}->orders`),
      "orders->users",
      "orders->products",
    ];
    for (const edge of expected) {
      await expect(edges.locator(`[data-edge="${edge}"]`)).toBeVisible({ timeout: 45_000 });
    }
    for (const gateway of stack.gateways) {
      await expect(page.getByRole("group", { name: new RegExp(`^Gateway ${gateway.name},`) })).toBeVisible();
    }
    await page.screenshot(screenshot("map"));
  });

  await test.step("drag the orders canary to 25%: applied on 2/2 agents, and traffic splits about 25/75", async () => {
    expect(await canaryShare(stack.gateways[0]!.url, 100)).toBe(0);
    await openEdgeTraffic(page);
    const before = await latestRevision(page);
    await dragOrdersCanary(page, 25);
    await expect(page.getByRole("heading", { name: `Revision ${before + 1}` })).toBeVisible();
    await expect(page.getByTestId("propagation").first()).toContainText("applied on 2/2 agents in", {
      timeout: 15_000,
    });
    await page.screenshot(screenshot("traffic"));
    // 1 000 requests through each: both gateways split, and together they are within 4 standard deviations.
    const shares = await Promise.all(stack.gateways.map((gateway) => canaryShare(gateway.url, 1_000)));
    for (const share of shares) expect(share).toBeGreaterThan(0.15);
    const share = (shares[0]! + shares[1]!) / 2;
    expect(share).toBeGreaterThanOrEqual(0.21);
    expect(share).toBeLessThanOrEqual(0.29);
  });

  await test.step("gateway-b restarts while the canary goes back to 0%: it comes back on the latest revision", async () => {
    const restarted = stack.gateways[1]!;
    process.kill(restarted.pid, "SIGTERM");
    // The revert is committed while gateway-b drains or is down (or just back: the end state is the same).
    const latest = await latestRevision(page);
    await page
      .getByTestId(`revision-${latest - 1}`)
      .getByRole("button", { name: `Revert to #${latest - 1}` })
      .click();
    await expect(page.getByRole("heading", { name: `Revision ${latest + 1}` })).toBeVisible();
    await expect(page.getByTestId("canary-value-orders")).toContainText("0%");
    await expect
      .poll(async () => (await gatewayStatus(restarted.adminUrl))?.revisionInUse, { timeout: 30_000 })
      .toBe(latest + 1);
    await expect(page.getByTestId("propagation").first()).toContainText("applied on 2/2 agents", {
      timeout: 30_000,
    });
    const shares = await Promise.all(stack.gateways.map((gateway) => canaryShare(gateway.url, 200)));
    expect(shares).toEqual([0, 0]);
  });
});
