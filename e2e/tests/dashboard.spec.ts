import { expect, test } from "@playwright/test";
import { signInAsAdmin } from "../support/demo";

/**
 * The dashboard pages against the real built stack: each shows its data or its honest empty state (never
 * an error; whether telemetry exists depends on which specs ran before), the view state travels in the
 * URL, and an admin edits the health thresholds.
 */
test("the dashboard pages render without errors and keep the view in the URL", async ({ page }) => {
  await signInAsAdmin(page);

  await test.step("overview: range and refresh in the URL survive a reload", async () => {
    await expect(
      page.getByTestId("services-table").or(page.getByText("No telemetry in this time range")),
    ).toBeVisible();
    await page.getByLabel("Time range", { exact: true }).selectOption("7d");
    await expect(page).toHaveURL(/range=7d/);
    await page.getByRole("button", { name: "Pause auto-refresh" }).click();
    await expect(page).toHaveURL(/refresh=off/);
    await page.reload();
    await expect(page.getByLabel("Time range", { exact: true })).toHaveValue("7d");
    await expect(page.getByRole("button", { name: /Resume auto-refresh/ })).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/overview.png", fullPage: true });
  });

  await test.step("map, a service and traces: data or empty states, no errors", async () => {
    await page.goto("/o/demo/map?range=24h");
    await expect(
      page.getByTestId("service-map").or(page.getByText("No traffic to map in this time range")),
    ).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/map.png", fullPage: true });
    await page.goto("/o/demo/services/orders");
    await expect(
      page
        .getByRole("heading", { name: "Signals" })
        .or(page.getByText("No telemetry for this service in this time range")),
    ).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/service.png", fullPage: true });
    await page.goto("/o/demo/traces");
    await expect(page.getByTestId("trace-list").or(page.getByText("No trace matches."))).toBeVisible();
    await page.getByLabel("Min duration (ms)").fill("-5");
    await expect(page.getByText("Use a number of milliseconds, 0 or more")).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/traces.png", fullPage: true });
    await page.goto(`/o/demo/traces/${"ab".repeat(16)}`);
    await expect(page.getByRole("alert").filter({ hasText: "Trace not found." })).toBeVisible();
  });

  await test.step("settings: an admin moves the health thresholds", async () => {
    await page.goto("/o/demo/settings");
    await expect(page.getByLabel("Error rate critical (%)")).toHaveValue("5");
    await page.getByLabel("Error rate critical (%)").fill("0.5");
    await page.getByRole("button", { name: "Save thresholds" }).click();
    await expect(page.getByText("Critical must be at least the warning level")).toBeVisible();
    await page.getByLabel("Error rate critical (%)").fill("8");
    await page.getByRole("button", { name: "Save thresholds" }).click();
    await expect(page.getByText("Saved.")).toBeVisible();
    await page.reload();
    await expect(page.getByLabel("Error rate critical (%)")).toHaveValue("8");
  });

  await test.step("at phone width every dashboard page fits without sideways scrolling", async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    // Wide tables scroll inside their own box, screen-reader-only headers included.
    for (const path of [
      "/o/demo",
      "/o/demo/map",
      "/o/demo/services/orders",
      "/o/demo/traces",
      "/o/demo/traffic",
      "/o/demo/alerts/rules",
      "/o/demo/alerts/channels",
      "/o/demo/agents",
      "/o/demo/settings",
    ]) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expect(page.getByText("Loading…")).toHaveCount(0);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await page.goto("/o/demo");
    await page.screenshot({ path: "test-results/screenshots/overview-phone.png", fullPage: true });
  });
});
