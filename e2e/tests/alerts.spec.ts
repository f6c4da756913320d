import { expect, test } from "@playwright/test";
import { startSlackReceiver } from "@switchyard/alerting/testing";
import { clearFaults, setFaults } from "@switchyard/demo";
import { demoStack } from "../support/demo-stack";
import { signInAsAdmin } from "../support/demo";

/** Bounded: GETs on orders through one gateway, 4 at a time, until `stop` resolves or 90 s passed. */
function driveOrders(gatewayUrl: string) {
  let stopped = false;
  const deadline = Date.now() + 90_000;
  const worker = async () => {
    while (!stopped && Date.now() < deadline) {
      const response = await fetch(`${gatewayUrl}/api/orders`).catch(() => null);
      await response?.arrayBuffer();
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const done = Promise.all(Array.from({ length: 4 }, worker));
  return async () => {
    stopped = true;
    await done;
  };
}

/**
 * The gateways' breakers and passive ejection took the failing v1 replicas out (so v2 served orders even
 * at a 0 % canary); later specs need the shop as it was. Bounded: each gateway must answer 20 orders
 * requests in a row with 200 from v1 within 90 s.
 */
async function waitForOrdersRecovered(gatewayUrls: string[]) {
  const deadline = Date.now() + 90_000;
  for (const gatewayUrl of gatewayUrls) {
    let inARow = 0;
    while (inARow < 20) {
      if (Date.now() > deadline)
        throw new Error(`orders v1 did not recover behind ${gatewayUrl} within 90 s`);
      const response = await fetch(`${gatewayUrl}/api/orders`).catch(() => null);
      await response?.arrayBuffer();
      if (response?.status === 200 && response.headers.get("x-service-version") === "v1") inARow++;
      else {
        inARow = 0;
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  }
}

/** This test's own rule, beside the demo seed's "Orders error rate". */
const RULE = "Orders errors (e2e)";

test("a Slack channel, a test message, an error-rate rule that fires on injected errors, acknowledged", async ({
  page,
}) => {
  test.setTimeout(150_000);
  const stack = demoStack();
  const orders = stack.instances.filter((instance) => instance.service === "orders");
  // A local stand-in for Slack's incoming webhook: it records every request and answers "ok" like Slack.
  const receiver = await startSlackReceiver();
  const origin = new URL(receiver.url).origin;
  const webhookUrl = `${origin}/services/T0E2E/B0E2E/e2e-webhook-secret`;
  const traffic = { stop: async () => undefined as void };
  try {
    await signInAsAdmin(page);

    await test.step("create a Slack channel: the URL is shown masked", async () => {
      await page.goto("/o/demo/alerts/channels");
      // The demo seed's channel, pointing at the stack's own receiver, is there already.
      await expect(page.locator('tr[data-channel="Demo Slack"]')).toBeVisible();
      const form = page.getByRole("form", { name: "New Slack channel" });
      await form.getByLabel("Channel name").fill("e2e-alerts");
      await form.getByLabel("Webhook URL").fill("not a url");
      await form.getByLabel("Webhook URL").blur();
      await expect(form.getByRole("alert")).toContainText("Enter a full URL");
      await form.getByLabel("Webhook URL").fill(webhookUrl);
      await form.getByRole("button", { name: "Add channel" }).click();
      const row = page.locator('tr[data-channel="e2e-alerts"]');
      await expect(row).toContainText(`${origin}/services/T0…/…/…cret`);
      await expect(page.getByText("e2e-webhook-secret")).toHaveCount(0);
    });

    await test.step("send a test message: Slack's answer in the UI, the request at the receiver", async () => {
      const row = page.locator('tr[data-channel="e2e-alerts"]');
      await row.getByRole("button", { name: "Send test message" }).click();
      await expect(row.getByTestId("test-result")).toContainText("Slack answered 200: ok");
      expect(receiver.requests).toHaveLength(1);
      expect(receiver.requests[0]!.path).toBe("/services/T0E2E/B0E2E/e2e-webhook-secret");
      expect(receiver.requests[0]!.body.blocks.length).toBeGreaterThan(0);

      await row.getByRole("link", { name: "e2e-alerts" }).click();
      const delivery = page.getByTestId("deliveries").locator('[data-delivery="test"]');
      await expect(delivery).toContainText("Answered 200: ok");
      await expect(delivery).toContainText(receiver.requests[0]!.body.text);
    });

    await test.step("create an error-rate rule on orders with a 30 s window, validated as typed", async () => {
      await page.goto("/o/demo/alerts/rules");
      // The demo seed's rule (orders, > 5 %) is there already; this test adds its own next to it.
      await expect(page.locator('tr[data-rule="Orders error rate"]')).toBeVisible();
      await page.getByRole("button", { name: "New rule" }).click();
      const form = page.getByRole("form", { name: "New alert rule" });
      await form.getByRole("button", { name: "High error rate" }).click();
      await form.getByLabel("Rule name").fill(RULE);
      await form.getByLabel("Service").fill("orders");
      await form.getByLabel("Threshold (ratio)").fill("2");
      await form.getByLabel("Threshold (ratio)").blur();
      await expect(form.getByText("For error rate use 0 to 1 (ratio)")).toBeVisible();
      await form.getByLabel("Threshold (ratio)").fill("0.2");
      await form.getByLabel("Window (s)").fill("5");
      await form.getByLabel("Window (s)").blur();
      await expect(form.getByText("Use a window of at least 10 s, the evaluation period")).toBeVisible();
      await form.getByLabel("Window (s)").fill("30");
      await form.getByLabel("For (s)").fill("0");
      await form.getByLabel("e2e-alerts").check();
      await form.getByRole("button", { name: "Create rule" }).click();
      const row = page.locator(`tr[data-rule="${RULE}"]`);
      await expect(row).toContainText("Error rate > 20 % over 30 s");
      await expect(row).toContainText("orders");
      await expect(row).toContainText("e2e-alerts");
    });

    await test.step("errors injected into orders, driven through a gateway, open an incident", async () => {
      await page.goto("/o/demo/alerts");
      await expect(page.getByTestId("no-open-incidents")).toContainText("Nothing is firing");
      for (const instance of orders) await setFaults(instance.url, { errorRate: 0.8, errorStatus: 500 });
      traffic.stop = driveOrders(stack.gateways[0]!.url);
      const incident = page.locator("tr[data-incident]", { hasText: RULE });
      await expect(incident).toBeVisible({ timeout: 75_000 });
      await expect(incident).toContainText("orders");
      await expect(incident).toContainText("critical");
      await expect(incident.locator('[data-field="value"]')).toContainText("vs > 20 %");
      await expect(incident.locator('[data-field="acknowledged"]')).toHaveText("not yet");
      // The rule notifies the channel: the firing message reaches the receiver after the test message.
      await expect
        .poll(() => receiver.requests.filter((r) => r.body.text.includes(RULE)).length, {
          timeout: 30_000,
        })
        .toBe(1);
      await page.screenshot({ path: "test-results/screenshots/alerts-firing.png", fullPage: true });
      // Seen: the shop can recover while the incident is acknowledged.
      await traffic.stop();
      await Promise.all(orders.map((instance) => clearFaults(instance.url)));
    });

    await test.step("acknowledge it: the timeline and the list say who", async () => {
      await page.locator("tr[data-incident]").getByRole("link", { name: RULE }).click();
      await expect(page.getByTestId("incident-timeline")).toContainText("firing");
      await page.getByRole("button", { name: "Acknowledge" }).click();
      await expect(page.getByTestId("incident-acknowledged")).toContainText("by Demo Admin");
      await expect(page.getByTestId("incident-timeline")).toContainText("Acknowledged by Demo Admin");
      await page.screenshot({ path: "test-results/screenshots/alerts-incident.png", fullPage: true });
      await page.getByRole("link", { name: "Incidents" }).click();
      await expect(
        page.locator("tr[data-incident]", { hasText: RULE }).locator('[data-field="acknowledged"]'),
      ).toHaveText("Demo Admin");
    });
  } finally {
    await traffic.stop();
    await Promise.all(orders.map((instance) => clearFaults(instance.url)));
    await receiver.close();
  }

  // Later tests share the shop: the rule goes away, and orders serves again through both gateways.
  await page.goto("/o/demo/alerts/rules");
  page.once("dialog", (dialog) => void dialog.accept());
  await page.locator(`tr[data-rule="${RULE}"]`).getByRole("button", { name: "Delete" }).click();
  await expect(page.locator(`tr[data-rule="${RULE}"]`)).toHaveCount(0);
  await waitForOrdersRecovered(stack.gateways.map((gateway) => gateway.url));
});
