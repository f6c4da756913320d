import { expect, test } from "@playwright/test";
import { demoStack } from "../support/demo-stack";
import { signInAsAdmin } from "../support/demo";
import { gatewayStatus, latestRevisionNumber, openEdgeTraffic, statusesAcross } from "../support/traffic";

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
  if ((await groupPicker.count()) > 0) {
    // A choice made before the page hydrated is lost on a busy machine: choose again until the URL follows.
    await expect(async () => {
      await groupPicker.selectOption({ label: groupName });
      await expect(page).toHaveURL(/group=/, { timeout: 1_000 });
    }).toPass();
  }
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
    await expect(diff).toBeFocused();
    await expect(diff).toBeInViewport();
    await expect(diff).toContainText('- "canaryPercent": 0,');
    await expect(diff).toContainText('+ "canaryPercent": 5,');
    await page.screenshot({ path: "test-results/screenshots/traffic.png", fullPage: true });
    await page.getByTestId("revision-1").getByRole("button", { name: "Revert to #1" }).click();
    await expect(page.getByRole("heading", { name: "Revision 3" })).toBeVisible();
    await expect(page.getByTestId("canary-value-orders")).toContainText("0%");
  });

  await test.step("arrow keys make one revision once they settle, and the slider keeps focus", async () => {
    const slider = page.getByLabel("Canary share of orders");
    await slider.focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    await expect(page.getByRole("heading", { name: "Revision 4" })).toBeVisible();
    await expect(page.getByTestId("revision-4")).toContainText("Canary of orders to 2%");
    await expect(slider).toBeFocused();
    await slider.blur();
    // Leaving the slider after the keys settled sends nothing more: no second revision, no conflict.
    await page.waitForTimeout(1_000);
    await expect(page.getByRole("heading", { name: "Revision 4" })).toBeVisible();
    await expect(page.getByText(/now at revision/)).toHaveCount(0);
  });
});

test("an operator sets a shared per-header rate limit from the form; both gateways apply it and share one bucket", async ({
  page,
}) => {
  const { gateways } = demoStack();
  await signInAsAdmin(page);
  await openEdgeTraffic(page);
  const base = await latestRevisionNumber(page);
  const form = page.getByRole("form", { name: "Rate limit of products" });

  await test.step("the form starts from the defaults and names a bad header as you type", async () => {
    await expect(page.getByTestId("rate-limit-products")).toHaveCount(0);
    await page.getByRole("button", { name: "Add rate limit of products" }).click();
    await expect(form.getByLabel("Average")).toHaveValue("100");
    await expect(form.getByLabel("Period (ms)")).toHaveValue("1000");
    await expect(form.getByLabel("Burst")).toHaveValue("50");
    await expect(form.getByLabel("Counted per")).toHaveValue("ip");
    await expect(form.getByLabel("Shared by the group's gateways")).not.toBeChecked();

    await form.getByLabel("Counted per").selectOption("header");
    await form.getByLabel("Header name").fill("x tenant");
    await form.getByLabel("Header name").blur();
    await expect(form.getByRole("alert")).toHaveText("must be a valid HTTP header name");
    await form.getByLabel("Burst").fill("0");
    await form.getByLabel("Burst").blur();
    await expect(form.getByRole("alert")).toHaveText([
      "must be greater than 0",
      "must be a valid HTTP header name",
    ]);
    await form.screenshot({ path: "test-results/screenshots/traffic-rate-limit-form.png" });
    // Nothing is sent while a field is wrong.
    await form.getByRole("button", { name: "Save rate limit" }).click();
    await expect(page.getByRole("heading", { name: `Revision ${base}` })).toBeVisible();
  });

  await test.step("a shared limit of 3 per minute per x-tenant becomes the next revision, applied by both gateways", async () => {
    await form.getByLabel("Average").fill("1");
    await form.getByLabel("Period (ms)").fill("60000");
    await form.getByLabel("Burst").fill("3");
    await form.getByLabel("Header name").fill("X-Tenant");
    await form.getByLabel("Shared by the group's gateways").check();
    await expect(form.getByRole("alert")).toHaveCount(0);
    await form.getByRole("button", { name: "Save rate limit" }).click();

    await expect(page.getByRole("heading", { name: `Revision ${base + 1}` })).toBeVisible();
    await expect(page.getByTestId(`revision-${base + 1}`)).toContainText("Rate limit of products changed");
    await expect(page.getByTestId("propagation").first()).toContainText("applied on 2/2 agents in", {
      timeout: 15_000,
    });
    const summary = page.getByTestId("rate-limit-products");
    await expect(summary).toContainText("1 per 60 s, burst 3, per header x-tenant");
    await expect(summary).toContainText("shared by the group's gateways");
    // Both gateways reach the stack's Redis, so neither decides with its own buckets.
    await expect(summary.getByText("local fallback")).toHaveCount(0);

    for (const gateway of gateways) {
      const status = await gatewayStatus(gateway.adminUrl);
      expect(status.revision?.number).toBe(base + 1);
      expect(status.routes.find((route) => route.id === "products")?.rateLimit).toEqual({
        average: 1,
        burst: 3,
        periodMs: 60_000,
        key: { type: "header", name: "x-tenant" },
        shared: true,
      });
      expect(status.sharedRateLimits.connection).toBe("connected");
    }
    await page.screenshot({ path: "test-results/screenshots/traffic-rate-limit.png", fullPage: true });
  });

  await test.step("one tenant spends one burst across both gateways; another tenant has its own", async () => {
    const tenant = `e2e-${Date.now().toString(36)}`;
    const urls = gateways.map((gateway) => gateway.url);
    expect(await statusesAcross(urls, "/api/products", { "x-tenant": tenant }, 6)).toEqual([
      200, 200, 200, 429, 429, 429,
    ]);
    expect(await statusesAcross(urls, "/api/products", { "x-tenant": `${tenant}-other` }, 1)).toEqual([200]);
  });

  await test.step("removing the limit is one more revision (the stack's own traffic is limited no longer)", async () => {
    await page.getByRole("button", { name: "Edit rate limit of products" }).click();
    await expect(form.getByLabel("Counted per")).toHaveValue("header");
    await expect(form.getByLabel("Header name")).toHaveValue("x-tenant");
    await expect(form.getByLabel("Shared by the group's gateways")).toBeChecked();
    await form.getByRole("button", { name: "Remove limit" }).click();
    await expect(page.getByRole("heading", { name: `Revision ${base + 2}` })).toBeVisible();
    await expect(page.getByTestId("rate-limit-products")).toHaveCount(0);
    await expect(page.getByTestId("propagation").first()).toContainText("applied on 2/2 agents in", {
      timeout: 15_000,
    });
  });
});
