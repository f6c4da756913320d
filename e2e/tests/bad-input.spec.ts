import { expect, test, type Page } from "@playwright/test";
import { signIn, signInAsAdmin, uniqueEmail } from "../support/demo";

/** The form's own alert; Next.js also renders an (empty) role=alert route announcer. */
const formAlert = (page: Page) => page.locator("form [role=alert]");

test("a wrong password shows an error and the sixth quick failure is refused", async ({ page }) => {
  const email = uniqueEmail("guesser");
  for (let attempt = 1; attempt <= 5; attempt++) {
    await signIn(page, email, `wrong-password-${attempt}`);
    await expect(formAlert(page)).toHaveText("Wrong email or password.");
  }
  await signIn(page, email, "wrong-password-6");
  await expect(formAlert(page)).toContainText("Too many failed sign-ins. Try again in");
});

test("sign-up names the invalid email and the weak password", async ({ page }) => {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Someone");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("#email-error")).toHaveText("Enter a valid email address");
  await expect(page.locator("#password-error")).toHaveText("Use at least 10 characters");
  await page.getByLabel("Password").fill("longenoughbutnodigits");
  await expect(page.locator("#password-error")).toHaveText("Use both letters and digits");
  await expect(page).toHaveURL(/\/sign-up$/);
});

test("an unknown organization is a 404 page, not a crash", async ({ page }) => {
  await signInAsAdmin(page);
  const response = await page.goto("/o/no-such-organization/agents");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
});
