import type { Database } from "@switchyard/db";

/**
 * Failed sign-in throttling. Two counters per attempt: one for the (email, client) pair, so a guessed
 * account is slowed down without letting anyone lock a victim out from elsewhere, and a looser one for the
 * client alone, so one client cannot walk through many accounts.
 */
export const throttlePolicy = {
  window: 15 * 60_000,
  account: { maxFailures: 5, lockFor: 5 * 60_000 },
  client: { maxFailures: 50, lockFor: 15 * 60_000 },
};

export function throttleKeys(email: string, ip: string) {
  const normalized = email.trim().toLowerCase();
  return { account: `account:${normalized}:${ip}`, client: `client:${ip}` };
}

/** Seconds until the earliest moment a new attempt is allowed, or 0 when it is allowed now. */
export async function secondsUntilAllowed(
  db: Database,
  email: string,
  ip: string,
  now = new Date(),
): Promise<number> {
  const keys = throttleKeys(email, ip);
  const rows = await db.signInThrottle.findMany({ where: { key: { in: [keys.account, keys.client] } } });
  const lockedUntil = Math.max(0, ...rows.map((r) => r.lockedUntil?.getTime() ?? 0));
  return lockedUntil > now.getTime() ? Math.ceil((lockedUntil - now.getTime()) / 1000) : 0;
}

export async function recordFailure(
  db: Database,
  email: string,
  ip: string,
  now = new Date(),
): Promise<void> {
  const keys = throttleKeys(email, ip);
  await bump(db, keys.account, throttlePolicy.account, now);
  await bump(db, keys.client, throttlePolicy.client, now);
}

export async function recordSuccess(db: Database, email: string, ip: string): Promise<void> {
  await db.signInThrottle.deleteMany({ where: { key: throttleKeys(email, ip).account } });
}

async function bump(
  db: Database,
  key: string,
  limit: { maxFailures: number; lockFor: number },
  now: Date,
): Promise<void> {
  const windowStartedBefore = new Date(now.getTime() - throttlePolicy.window);
  // One statement so two concurrent failures cannot both read the old count.
  await db.$executeRaw`
    INSERT INTO "SignInThrottle" ("key", "failures", "windowStart", "lockedUntil")
    VALUES (${key}, 1, ${now}, NULL)
    ON CONFLICT ("key") DO UPDATE SET
      "failures" = CASE WHEN "SignInThrottle"."windowStart" < ${windowStartedBefore} THEN 1
                        ELSE "SignInThrottle"."failures" + 1 END,
      "windowStart" = CASE WHEN "SignInThrottle"."windowStart" < ${windowStartedBefore} THEN ${now}
                           ELSE "SignInThrottle"."windowStart" END`;
  await db.signInThrottle.updateMany({
    where: { key, failures: { gte: limit.maxFailures } },
    data: { lockedUntil: new Date(now.getTime() + limit.lockFor), failures: 0, windowStart: now },
  });
}
