import { deriveChannelKey } from "@switchyard/alerting";
import { createAuth, type Auth } from "@switchyard/auth";
import type { JobPayload } from "@switchyard/contracts";
import type { Database } from "@switchyard/db";
import { TRPCError } from "@trpc/server";
import pg from "pg";
import { expect } from "vitest";
import { appRouter } from "./root";
import { createContext, type PublishedRevision } from "./context";
import { createCallerFactory } from "./trpc";
import { TelemetryReader, type TelemetryPool } from "./dashboard-views";

/**
 * Drives the real router, auth and database the way the web app does, minus HTTP: each "user" is a real
 * better-auth session whose cookie is sent as a header on every call.
 */
export function createApiHarness(
  db: Database,
  options: {
    publishRevision?: (revision: PublishedRevision) => Promise<void>;
    /** Where rollout checks go; by default they are only recorded (no worker runs them). */
    scheduleRolloutCheck?: (check: JobPayload<"rollout.check">, delayMs: number) => Promise<void>;
    /** The telemetry store's pool, for tests of the telemetry procedures. */
    telemetryPool?: TelemetryPool;
  } = {},
) {
  const publicUrl = "http://localhost:3999";
  // Tests that never read telemetry pass no pool; pg connects lazily, so this one only fails, naming
  // itself, if such a test does call a telemetry procedure.
  const telemetry = new TelemetryReader(
    options.telemetryPool ??
      new pg.Pool({ connectionString: "postgresql://harness-has-no-telemetry-pool.invalid/" }),
  );
  /** Revisions handed to the publish pipeline, for tests that do not run a worker of their own. */
  const published: PublishedRevision[] = [];
  const publishRevision =
    options.publishRevision ??
    (async (revision: PublishedRevision) => {
      published.push(revision);
    });
  const scheduledChecks: Array<JobPayload<"rollout.check"> & { delayMs: number }> = [];
  const scheduleRolloutCheck =
    options.scheduleRolloutCheck ??
    (async (check: JobPayload<"rollout.check">, delayMs: number) => {
      scheduledChecks.push({ ...check, delayMs });
    });
  const secret = "integration-test-secret-0123456789abcdef";
  const channelKey = deriveChannelKey(secret);
  const auth: Auth = createAuth({
    db,
    secret,
    baseURL: publicUrl,
  });
  const createCaller = createCallerFactory(appRouter);

  async function signUp(email: string, name = email.split("@")[0]!) {
    const { headers } = await auth.api.signUpEmail({
      body: { email, name, password: "correct-horse-42" },
      returnHeaders: true,
    });
    const cookie = headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    return {
      cookie,
      caller: (organizationSlug?: string) => callerFor(cookie, organizationSlug),
    };
  }

  /** A new user who owns a new organization, with a caller acting in it. */
  async function signUpOwner(email: string, organization: { name: string; slug: string }) {
    const user = await signUp(email);
    const { id } = await (await user.caller()).organization.create(organization);
    return { ...user, organizationId: id, inOrganization: () => user.caller(organization.slug) };
  }

  async function callerFor(cookie: string | null, organizationSlug?: string) {
    const headers = new Headers();
    if (cookie) headers.set("cookie", cookie);
    if (organizationSlug) headers.set("x-switchyard-org", organizationSlug);
    return createCaller(
      await createContext(
        { auth, db, publicUrl, publishRevision, scheduleRolloutCheck, telemetry, channelKey },
        headers,
      ),
    );
  }

  return {
    auth,
    secret,
    signUp,
    signUpOwner,
    anonymous: (slug?: string) => callerFor(null, slug),
    publicUrl,
    published,
    scheduledChecks,
  };
}

export type ApiHarness = ReturnType<typeof createApiHarness>;
/** A user who owns an organization of their own (`signUpOwner`). */
export type HarnessOwner = Awaited<ReturnType<ApiHarness["signUpOwner"]>>;

/** Expects the call to be refused with this tRPC code. */
export async function expectCode(promise: Promise<unknown>, code: TRPCError["code"]): Promise<void> {
  await expect(promise).rejects.toSatisfy((e: unknown) => e instanceof TRPCError && e.code === code);
}
