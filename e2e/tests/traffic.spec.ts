import { expect, test } from "@playwright/test";
import { signInAsAdmin } from "../support/demo";

const config = {
  routes: [{ id: "orders", match: { pathPrefix: "/api/orders" }, service: "orders" }],
  services: {
    orders: {
      targets: [
        { id: "orders-v1", url: "http://127.0.0.1:4301", version: "v1" },
        { id: "orders-v2", url: "http://127.0.0.1:4311", version: "v2" },
      ],
      split: { stableVersion: "v1", canaryVersion: "v2", canaryPercent: 0 },
    },
  },
};

test("an operator configures a group, sets the canary, reads the diff and reverts", async ({ page }) => {
  const groupName = `traffic-${Date.now().toString(36)}`;
  await signInAsAdmin(page);
  await page.getByRole("link", { name: "Agents" }).click();
  await page.getByLabel("Group name").fill(groupName);
  await page.getByRole("button", { name: "Create group" }).click();
  await expect(page.getByText(`${groupName} · 0/0 online`)).toBeVisible();

  await page.getByRole("link", { name: "Traffic" }).click();
  // Other tests may have made groups too; with more than one, the page shows a picker.
  const groupPicker = page.getByLabel("Gateway group");
  await expect(groupPicker.or(page.getByText("No configuration yet")).first()).toBeVisible();
  if ((await groupPicker.count()) > 0) await groupPicker.selectOption({ label: groupName });
  await expect(page).toHaveURL(/group=|\/traffic$/);
  await expect(page.getByText("No configuration yet")).toBeVisible();

  await test.step("the editor names invalid fields as you type, then commits revision 1", async () => {
    const editor = page.getByLabel("Configuration (JSON)");
    await editor.fill(
      JSON.stringify({ ...config, services: { orders: { ...config.services.orders, strategy: "fastest" } } }),
    );
    await expect(page.locator("#config-issues")).toContainText("services.orders.strategy");
    await editor.fill(JSON.stringify(config, null, 2));
    await expect(page.locator("#config-issues")).toHaveText("Valid configuration.");
    await page.getByRole("button", { name: "Commit first revision" }).click();
    await expect(page.getByRole("heading", { name: "Revision 1" })).toBeVisible();
    await expect(page.getByTestId("propagation").first()).toHaveText("no agents in this group yet");
  });

  await test.step("the canary is set and sent when focus moves on", async () => {
    const slider = page.getByLabel("Canary share of orders");
    await slider.fill("5");
    await slider.blur();
    await expect(page.getByRole("heading", { name: "Revision 2" })).toBeVisible();
    await expect(page.getByTestId("canary-value-orders")).toContainText("5%");
    await expect(page.getByTestId("revision-2")).toContainText("Canary of orders to 5%");
  });

  await test.step("the timeline shows the change and reverts it as a new revision", async () => {
    await page.getByTestId("revision-2").getByRole("button", { name: "Changes" }).click();
    const diff = page.getByRole("region", { name: "Changes from revision 1 to 2" });
    await expect(diff).toContainText('- "canaryPercent": 0,');
    await expect(diff).toContainText('+ "canaryPercent": 5,');
    await page.screenshot({ path: "test-results/screenshots/traffic.png", fullPage: true });
    await page.getByTestId("revision-1").getByRole("button", { name: "Revert to #1" }).click();
    await expect(page.getByRole("heading", { name: "Revision 3" })).toBeVisible();
    await expect(page.getByTestId("canary-value-orders")).toContainText("0%");
  });
});
