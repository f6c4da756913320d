import { expect, test, type Page } from "@playwright/test";
import { clearFaults, setFaults } from "@switchyard/demo";
import { demoStack } from "../support/demo-stack";
import { signInAsAdmin } from "../support/demo";
import { readmeScreenshot } from "../support/screenshots";
import { canaryShare, dragOrdersCanary, openEdgeTraffic } from "../support/traffic";

/**
 * The product's promise end to end, against exactly what `npm run up` starts (the traffic generators included):
 * live numbers, the map with both gateways, a canary dragged to 25% that both gateways apply and that traffic
 * follows, errors injected into the canary that reach the Slack receiver as an alert naming orders and the
 * canary, a rollback from the alert's link while one gateway restarts (it comes back on the latest revision),
 * and the resolved message. Screenshots of the way go to docs/screenshots/ for the README.
 */
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

interface SlackMessage {
  id: number;
  payload: {
    text: string;
    blocks?: Array<{ type: string; elements?: Array<{ action_id?: string; url?: string }> }>;
  };
}

/** What the stack's Slack receiver got, oldest first; only messages after `after` when given. */
async function slackMessages(receiverUrl: string, after = 0): Promise<SlackMessage[]> {
  const response = await fetch(`${receiverUrl}/messages?after=${after}`);
  return ((await response.json()) as { messages: SlackMessage[] }).messages;
}

const isFiring = (message: SlackMessage) => message.payload.text.startsWith("Critical: Orders error rate");
const isResolved = (message: SlackMessage) => message.payload.text.startsWith("Resolved: Orders error rate");

/** The URL of a Block Kit button in the message, by its action id. */
function buttonUrl(message: SlackMessage, actionId: string): string {
  for (const block of message.payload.blocks ?? []) {
    const button = block.elements?.find((element) => element.action_id === actionId);
    if (button?.url) return button.url;
  }
  throw new Error(`no "${actionId}" button in ${JSON.stringify(message.payload)}`);
}

/** GET /api/orders through every gateway, about 8 a second each, until aborted (at most 5 minutes). */
async function steadyOrders(gatewayUrls: string[], signal: AbortSignal) {
  const deadline = Date.now() + 300_000;
  while (!signal.aborted && Date.now() < deadline) {
    for (const url of gatewayUrls) {
      void fetch(`${url}/api/orders`, { signal })
        .then((response) => response.arrayBuffer())
        .catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 125));
  }
}

async function latestRevision(page: Page): Promise<number> {
  const heading = await page.getByRole("heading", { name: /^Revision \d+$/ }).textContent();
  return Number(heading?.split(" ")[1]);
}

test("mission: live numbers, the map, a 25% canary everywhere, its errors alert Slack, a rollback from the alert with a gateway restarting, resolved", async ({
  page,
}) => {
  // The alert needs its window and hold to pass twice (firing, then resolved), on a busy machine.
  test.setTimeout(480_000);
  const stack = demoStack();
  const canaryReplicas = stack.instances.filter(
    (instance) => instance.service === "orders" && instance.version === "v2",
  );
  const traffic = new AbortController();
  let firing: SlackMessage;
  try {
    await mission();
  } finally {
    traffic.abort();
    await Promise.all(canaryReplicas.map((instance) => clearFaults(instance.url)));
  }

  async function mission() {
    await page.setViewportSize({ width: 1280, height: 800 });

    await test.step("sign in; the overview shows users, products and orders with live numbers", async () => {
      await signInAsAdmin(page);
      for (const service of ["users", "products", "orders"]) {
        const rate = page.locator(`tr[data-service="${service}"] [data-metric="rate"]`);
        // The generators send 5 req/s through each gateway from the start: every service has a rate.
        await expect(rate).toHaveText(/^(?!0\/s$)[\d.<]+k?\/s$/, { timeout: 45_000 });
      }
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
        await expect(
          page.getByRole("group", { name: new RegExp(`^Gateway ${gateway.name},`) }),
        ).toBeVisible();
      }
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
      await page.screenshot(readmeScreenshot("traffic"));
      // 1 000 requests through each: both gateways split, and together they are within 4 standard deviations.
      const shares = await Promise.all(stack.gateways.map((gateway) => canaryShare(gateway.url, 1_000)));
      for (const share of shares) expect(share).toBeGreaterThan(0.15);
      const share = (shares[0]! + shares[1]!) / 2;
      expect(share).toBeGreaterThanOrEqual(0.21);
      expect(share).toBeLessThanOrEqual(0.29);
    });

    await test.step("30% errors in orders v2: the error-rate alert reaches Slack, naming orders and the canary", async () => {
      // An earlier test may have fired this rule too: start from a resolved state and count only newer messages.
      await expect
        .poll(async () => (await slackMessages(stack.slackReceiverUrl)).filter(isFiring).length, {
          timeout: 120_000,
        })
        .toBe((await slackMessages(stack.slackReceiverUrl)).filter(isResolved).length);
      const before = (await slackMessages(stack.slackReceiverUrl)).at(-1)?.id ?? 0;
      for (const instance of canaryReplicas) await setFaults(instance.url, { errorRate: 0.3, seed: 7 });
      // On top of the generators: enough orders requests that 7.5% errors (30% of the 25% canary) is clearly
      // above the rule's 5% in every 20-second window.
      void steadyOrders(
        stack.gateways.map((gateway) => gateway.url),
        traffic.signal,
      );
      let found: SlackMessage | undefined;
      await expect
        .poll(async () => (found = (await slackMessages(stack.slackReceiverUrl, before)).find(isFiring)), {
          timeout: 180_000,
        })
        .toBeDefined();
      firing = found!;
      const text = JSON.stringify(firing.payload);
      expect(firing.payload.text).toMatch(/^Critical: Orders error rate .* on orders$/);
      expect(text).toContain("A canary is running on this service");
      expect(text).toMatch(/\*v2\* takes 25 ?% of traffic/);
    });

    await test.step("roll back from the alert's link while gateway-b restarts: both gateways end on 0%", async () => {
      const rollbackUrl = buttonUrl(firing, "rollback_canary");
      await page.goto(rollbackUrl);
      await expect(page.getByLabel("Canary share of orders")).toBeVisible();
      const latest = await latestRevision(page);
      const restarted = stack.gateways[1]!;
      process.kill(restarted.pid, "SIGTERM");
      // The rollback is committed while gateway-b drains or is down (or just back: the end state is the same).
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

    await test.step("the resolved message arrives", async () => {
      await expect
        .poll(async () => (await slackMessages(stack.slackReceiverUrl, firing.id)).some(isResolved), {
          timeout: 180_000,
        })
        .toBe(true);
    });

    // Taken last, over the last 15 minutes: minutes of traffic, the canary's split and its errors are in the
    // window (at the start of the run a fresh stack has seconds of traffic, which reads as "<0.01/s").
    await test.step("the overview and the map of the last 15 minutes, for the README", async () => {
      await page.goto("/o/demo?range=15m&refresh=off");
      await expect(page.locator('tr[data-service="orders"] [data-metric="rate"]')).toBeVisible();
      await page.screenshot(readmeScreenshot("overview"));
      await page.goto("/o/demo/map?range=15m&refresh=off");
      await expect(page.getByTestId("map-edges").locator('[data-edge="orders->users"]')).toBeVisible();
      await page.screenshot(readmeScreenshot("map"));
    });
  }
});
