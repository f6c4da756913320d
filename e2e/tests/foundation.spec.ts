import { expect, test } from "@playwright/test";
import { signInAsAdmin, signOut, uniqueEmail } from "../support/demo";

test("an admin sets up a gateway group and agent, invites a viewer who cannot create tokens", async ({
  page,
}) => {
  const groupName = `edge-${Date.now().toString(36)}`;
  const viewerEmail = uniqueEmail("viewer");

  await test.step("sign in as the demo admin", async () => {
    await signInAsAdmin(page);
    await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  });

  await test.step("create a gateway group and register an agent", async () => {
    await page.getByRole("link", { name: "Agents" }).click();
    await page.getByLabel("Group name").fill(groupName);
    await page.getByRole("button", { name: "Create group" }).click();
    await expect(page.getByText(`${groupName} · 0/0 online`)).toBeVisible();

    const groupCard = page.locator("section", { hasText: `${groupName} · ` });
    await groupCard.getByLabel("Agent name").fill("gw-e2e-1");
    await groupCard.getByRole("button", { name: "Register agent" }).click();
    const token = page.getByTestId("agent-token");
    await expect(token).toContainText(/sy_agt_[A-Za-z0-9_-]{43}/);
    await expect(token).toContainText("SWITCHYARD_AGENT_TOKEN=");
    await expect(token).toContainText("controlPlaneUrl: http://localhost:");
    await page.screenshot({ path: "test-results/screenshots/agents.png", fullPage: true });
    await page.getByRole("button", { name: "Done" }).click();
    await expect(page.getByRole("cell", { name: "gw-e2e-1" })).toBeVisible();
    await expect(page.getByText("never connected")).toBeVisible();
  });

  await test.step("both changes are on the audit page", async () => {
    await page.getByRole("link", { name: "Audit" }).click();
    await expect(
      page.locator('tr[data-action="gateway_group.create"]', { hasText: groupName }),
    ).toBeVisible();
    await expect(page.locator('tr[data-action="agent.create"]', { hasText: "gw-e2e-1" })).toBeVisible();
    await expect(page.locator('tr[data-action="auth.sign_in"]').first()).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/audit.png", fullPage: true });
  });

  let invitationLink = "";
  await test.step("invite a viewer by link", async () => {
    await page.getByRole("link", { name: "Settings" }).click();
    await page.getByLabel("Email").fill(viewerEmail);
    await page.getByLabel("Role", { exact: true }).selectOption("viewer");
    await page.getByRole("button", { name: "Create invitation" }).click();
    invitationLink = (await page.getByTestId("invitation-link").locator("code").textContent()) ?? "";
    expect(invitationLink).toMatch(/\/invite\/[A-Za-z0-9_-]+$/);
    await signOut(page);
  });

  await test.step("the viewer signs up from the link and joins", async () => {
    await page.goto(new URL(invitationLink).pathname);
    await expect(page.getByRole("heading", { level: 1, name: "Switchyard" })).toBeVisible();
    await page.getByRole("link", { name: "Create account" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Switchyard" })).toBeVisible();
    await page.getByLabel("Name").fill("Vera Viewer");
    await page.getByLabel("Email").fill(viewerEmail);
    await page.getByLabel("Password").fill("viewer-password-7");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText("invited you as viewer")).toBeVisible();
    await page.getByRole("button", { name: "Accept invitation" }).click();
    await expect(page).toHaveURL(/\/o\/demo$/);
  });

  await test.step("the viewer sees agents but no controls to create or revoke tokens", async () => {
    await page.getByRole("link", { name: "Agents" }).click();
    await expect(page.getByRole("cell", { name: "gw-e2e-1" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Register agent" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Create group" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Revoke" })).toHaveCount(0);
  });

  await test.step("and the API refuses the mutation with 403", async () => {
    const result = await page.evaluate(async () => {
      const headers = { "content-type": "application/json", "x-switchyard-org": "demo" };
      const groups = await fetch("/api/trpc/gatewayGroup.list", { headers }).then((r) => r.json());
      const groupId = groups.result.data.json[0].id as string;
      const response = await fetch("/api/trpc/agent.create", {
        method: "POST",
        headers,
        body: JSON.stringify({ json: { groupId, name: "sneaky-agent" } }),
      });
      return { status: response.status, body: await response.json() };
    });
    expect(result.status).toBe(403);
    expect(result.body.error.json.message).toContain("admin role");
  });

  await test.step("sign out", async () => {
    await signOut(page);
    await page.goto("/o/demo/agents");
    await expect(page).toHaveURL(/\/sign-in/);
  });
});
