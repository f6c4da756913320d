import { expect, test, type Page } from "@playwright/test";
import { demoStack } from "../support/demo-stack";
import { signInAsAdmin, signOut, uniqueEmail } from "../support/demo";

/** Sends `count` GETs through a gateway (from the test process, not the browser) and counts orders v2. */
async function canaryShare(gatewayUrl: string, count: number): Promise<number> {
  let v2 = 0;
  let sent = 0;
  const worker = async () => {
    while (sent < count) {
      sent++;
      const response = await fetch(`${gatewayUrl}/api/orders`);
      await response.arrayBuffer();
      expect(response.status).toBe(200);
      if (response.headers.get("x-service-version") === "v2") v2++;
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return v2 / count;
}

async function joinAs(page: Page, role: "operator" | "viewer") {
  const email = uniqueEmail(role);
  await signInAsAdmin(page);
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption(role);
  await page.getByRole("button", { name: "Create invitation" }).click();
  const link = (await page.getByTestId("invitation-link").locator("code").textContent()) ?? "";
  await signOut(page);
  await page.goto(new URL(link).pathname);
  await page.getByRole("link", { name: "Create account" }).click();
  await page.getByLabel("Name").fill(`E2E ${role}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("e2e-password-42");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("button", { name: "Accept invitation" }).click();
  await expect(page).toHaveURL(/\/o\/demo$/);
  return email;
}

async function openEdgeTraffic(page: Page) {
  await page.getByRole("link", { name: "Traffic" }).click();
  const picker = page.getByLabel("Gateway group");
  await expect(picker.or(page.getByRole("heading", { name: /^Revision \d+$/ })).first()).toBeVisible();
  if ((await picker.count()) > 0) await picker.selectOption({ label: "edge" });
  await expect(page.getByLabel("Canary share of orders")).toBeVisible();
}

test("an operator moves the orders canary to 30%, both gateways apply it, traffic follows, and a revert undoes it", async ({
  page,
}) => {
  const { gateways } = demoStack();
  expect(await canaryShare(gateways[0]!.url, 200)).toBe(0);

  await joinAs(page, "operator");
  await openEdgeTraffic(page);

  // Drag the thumb from 0% to 30% of the track; the change is sent once, on release.
  const slider = page.getByLabel("Canary share of orders");
  const box = (await slider.boundingBox())!;
  const thumb = 8; // half of Chromium's range thumb
  const xAt = (percent: number) => box.x + thumb + (percent / 100) * (box.width - 2 * thumb);
  await page.mouse.move(xAt(0), box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(xAt(30), box.y + box.height / 2, { steps: 10 });
  await page.mouse.up();
  await expect(page.getByTestId("canary-value-orders")).toContainText("30%");
  await expect(page.getByTestId("propagation").first()).toContainText("applied on 2/2 agents in", {
    timeout: 15_000,
  });
  await page.screenshot({ path: "test-results/screenshots/canary.png", fullPage: true });

  const [shareA, shareB] = await Promise.all(gateways.map((gateway) => canaryShare(gateway.url, 1000)));
  const share = (shareA! + shareB!) / 2;
  expect(share).toBeGreaterThanOrEqual(0.27);
  expect(share).toBeLessThanOrEqual(0.33);

  const latest = Number(
    (await page.getByRole("heading", { name: /^Revision \d+$/ }).textContent())?.split(" ")[1],
  );
  await page
    .getByTestId(`revision-${latest - 1}`)
    .getByRole("button", { name: `Revert to #${latest - 1}` })
    .click();
  await expect(page.getByRole("heading", { name: `Revision ${latest + 1}` })).toBeVisible();
  await expect(page.getByTestId("canary-value-orders")).toContainText("0%");
  await expect(page.getByTestId("propagation").first()).toContainText("applied on 2/2 agents in", {
    timeout: 15_000,
  });
  expect(await canaryShare(gateways[1]!.url, 300)).toBe(0);
});

test("a viewer sees the traffic controls read-only and the canary mutation answers 403", async ({ page }) => {
  const { groupId } = demoStack();
  await joinAs(page, "viewer");
  await openEdgeTraffic(page);
  await expect(page.getByLabel("Canary share of orders")).toBeDisabled();
  await expect(page.getByText("changing them needs the operator role")).toBeVisible();
  const status = await page.evaluate(async (group) => {
    const response = await fetch("/api/trpc/traffic.setCanary", {
      method: "POST",
      headers: { "content-type": "application/json", "x-switchyard-org": "demo" },
      body: JSON.stringify({
        json: { groupId: group, baseNumber: 1, serviceId: "orders", canaryPercent: 50 },
      }),
    });
    return response.status;
  }, groupId);
  expect(status).toBe(403);
  await signOut(page);
});
