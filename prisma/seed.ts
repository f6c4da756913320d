/**
 * Demo data: the "demo" organization, its admin and its alerting (demo-alerting.ts). Safe to run again: it
 * updates what is there.
 * The password is hashed by better-auth's own hasher so the account signs in like any other.
 */
import { hashPassword } from "better-auth/crypto";
import { createDb } from "@switchyard/db";
import { seedDemoAlerting } from "./demo-alerting";
import { demoLogin } from "./demo-login";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set. Example: postgresql://postgres@127.0.0.1:5432/switchyard");
  process.exit(2);
}
const db = createDb(url);

try {
  const passwordHash = await hashPassword(demoLogin.password);
  const alerting = await db.$transaction(async (tx) => {
    const user = await tx.user.upsert({
      where: { email: demoLogin.email },
      update: {},
      create: { id: "demo-admin", name: "Demo Admin", email: demoLogin.email, emailVerified: true },
    });
    const account = await tx.account.findFirst({ where: { userId: user.id, providerId: "credential" } });
    if (account) await tx.account.update({ where: { id: account.id }, data: { password: passwordHash } });
    else {
      await tx.account.create({
        data: {
          id: `${user.id}-credential`,
          userId: user.id,
          providerId: "credential",
          accountId: user.id,
          password: passwordHash,
        },
      });
    }
    const organization = await tx.organization.upsert({
      where: { slug: demoLogin.organizationSlug },
      update: {},
      create: { id: "demo-org", name: "Demo Shop", slug: demoLogin.organizationSlug },
    });
    await tx.member.upsert({
      where: { organizationId_userId: { organizationId: organization.id, userId: user.id } },
      update: { role: "owner" },
      create: { id: "demo-admin-member", organizationId: organization.id, userId: user.id, role: "owner" },
    });
    return seedDemoAlerting(tx, organization.id);
  });
  console.warn(
    `seeded organization "${demoLogin.organizationSlug}" with ${demoLogin.email}, the orders error-rate rule` +
      (alerting.channel ? ` and the Slack channel ${alerting.channel}` : ""),
  );
} finally {
  await db.$disconnect();
}
