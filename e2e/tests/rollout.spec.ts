import { expect, test } from "@playwright/test";
import { demoStack } from "../support/demo-stack";
import { signInAsAdmin } from "../support/demo";
import { openEdgeTraffic } from "../support/traffic";

/** GETs orders through every gateway from the test process until `done` says stop (bounded by `maxMs`). */
function sendTraffic(gatewayUrls: string[], maxMs: number) {
  let stopped = false;
  const deadline = Date.now() + maxMs;
  const worker = async (url: string) => {
    while (!stopped && Date.now() < deadline) {
      const response = await fetch(`${url}/api/orders?limit=3`);
      await response.arrayBuffer();
    }
  };
  const running = Promise.all(gatewayUrls.flatMap((url) => [worker(url), worker(url)]));
  return async () => {
    stopped = true;
    await running;
  };
}

test("an operator starts a rollout plan from the Traffic page and watches it reach 100% step by step", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const { gateways } = demoStack();
  await signInAsAdmin(page);
  await openEdgeTraffic(page);
  const panel = page.getByRole("region", { name: "Automated rollout of orders" });

  await test.step("the plan editor shows the defaults and names a bad field as you type", async () => {
    const steps = panel.getByLabel("Steps (% to the canary)");
    await expect(steps).toHaveValue("5, 25, 50, 100");
    await expect(panel.getByLabel("Time per step (s)")).toHaveValue("300");
    await steps.fill("50, 20, 100");
    await steps.blur();
    await expect(panel.getByText("Steps must increase: 20% comes after 50%")).toBeVisible();
    await steps.fill("20, 50, 100");
    await expect(panel.getByText("Steps must increase")).toHaveCount(0);
    await panel.getByLabel("Time per step (s)").fill("2");
    await panel.getByLabel("Time per step (s)").blur();
    await expect(panel.getByText("A step must last at least 5 seconds")).toBeVisible();
    await panel.getByLabel("Time per step (s)").fill("5");
    await panel.getByLabel("Requests per side to decide").fill("10");
    // One slow request is the p99 of a few dozen on this shared machine; the test is about the steps.
    await panel.getByLabel("p99 differences ignored below (ms)").fill("2000");
  });

  const stop = sendTraffic(
    gateways.map((gateway) => gateway.url),
    90_000,
  );
  try {
    await panel.getByRole("button", { name: "Start rollout" }).click();
    await expect(panel.getByTestId("rollout-progress")).toContainText("Step 1 of 3: 20% to v2");
    await expect(page.getByTestId("canary-value-orders")).toContainText("20%");
    await expect(panel.getByTestId("rollout-event-completed")).toBeVisible({ timeout: 60_000 });
  } finally {
    await stop();
  }
  await expect(page.getByTestId("canary-value-orders")).toContainText("100%");
  // Each promotion shows the canary and stable numbers it stood on.
  const advanced = panel.getByTestId("rollout-event-advanced");
  await expect(advanced).toHaveCount(2);
  await expect(advanced.first().getByRole("table", { name: "Canary and stable numbers" })).toContainText(
    "Canary v2",
  );
  await page.screenshot({ path: "test-results/screenshots/rollout.png", fullPage: true });

  await test.step("a new run can be aborted, which returns the canary to 0%", async () => {
    await panel.getByRole("button", { name: "Start rollout" }).click();
    await expect(panel.getByTestId("rollout-progress")).toContainText("Step 1 of 3");
    await panel.getByRole("button", { name: "Abort (back to 0%)" }).click();
    await expect(panel.getByTestId("rollout-event-aborted")).toBeVisible();
    await expect(page.getByTestId("canary-value-orders")).toContainText("0%");
  });
});
