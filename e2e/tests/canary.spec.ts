import { expect, test, type Page } from "@playwright/test";
import { demoStack } from "../support/demo-stack";
import { signInAsAdmin, signOut, uniqueEmail } from "../support/demo";
import { canaryShare, dragOrdersCanary, openEdgeTraffic } from "../support/traffic";

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

test("an operator moves the orders canary to 30%, both gateways apply it, traffic follows, and a revert undoes it", async ({
  page,
}) => {
  // 2 500 requests through the gateways while the stack's own traffic runs: more than the default minute on a
  // busy machine.
  test.setTimeout(120_000);
  const { gateways } = demoStack();
  expect(await canaryShare(gateways[0]!.url, 200)).toBe(0);

  await joinAs(page, "operator");
  await openEdgeTraffic(page);

  // The change is sent once, on release.
  await dragOrdersCanary(page, 30);
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
