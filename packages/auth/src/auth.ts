import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { organization } from "better-auth/plugins";
import { recordAuditEvent, type Database } from "@switchyard/db";
import { accessControl, accessControlRoles } from "./roles";
import { recordFailure, recordSuccess, secondsUntilAllowed } from "./sign-in-throttle";

export const passwordPolicy = { minLength: 10, maxLength: 128 };

export interface AuthOptions {
  db: Database;
  secret: string;
  /** The public URL of the control plane, e.g. http://localhost:3000 */
  baseURL: string;
}

function clientIp(headers: Headers | undefined): string {
  const forwarded = headers?.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || headers?.get("x-real-ip") || "unknown";
}

export function createAuth({ db, secret, baseURL }: AuthOptions) {
  return betterAuth({
    appName: "Switchyard",
    secret,
    baseURL,
    trustedOrigins: [baseURL],
    database: prismaAdapter(db, { provider: "postgresql" }),
    emailAndPassword: {
      enabled: true,
      minPasswordLength: passwordPolicy.minLength,
      maxPasswordLength: passwordPolicy.maxLength,
      autoSignIn: true,
    },
    session: { expiresIn: 60 * 60 * 24 * 7, updateAge: 60 * 60 * 24 },
    // Our own throttle below counts failed sign-ins precisely (a right password is never held back by earlier
    // successes); this general per-client limiter only stops floods, so its sign-in rule is loose.
    rateLimit: {
      enabled: true,
      window: 60,
      max: 300,
      storage: "memory",
      customRules: {
        "/sign-in/email": { window: 60, max: 60 },
        "/sign-up/email": { window: 60, max: 20 },
      },
    },
    advanced: { ipAddress: { ipAddressHeaders: ["x-forwarded-for", "x-real-ip"] } },
    plugins: [
      organization({
        ac: accessControl,
        roles: accessControlRoles,
        creatorRole: "owner",
        invitationExpiresIn: 60 * 60 * 24 * 7,
        cancelPendingInvitationsOnReInvite: true,
      }),
    ],
    databaseHooks: {
      session: {
        create: {
          after: async (session) => {
            const user = await db.user.findUnique({
              where: { id: session.userId },
              select: { email: true, memberships: { select: { organizationId: true } } },
            });
            if (!user) return;
            // Sign-ins belong to the user, not to one organization: each organization they are in sees them.
            await db.$transaction(async (tx) => {
              for (const { organizationId } of user.memberships) {
                await recordAuditEvent(tx, {
                  organizationId,
                  action: "auth.sign_in",
                  actor: { userId: session.userId, label: user.email },
                  target: { type: "user", id: session.userId, label: user.email },
                  ipAddress: session.ipAddress ?? null,
                });
              }
            });
          },
        },
      },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== "/sign-in/email") return;
        const email = typeof ctx.body?.email === "string" ? ctx.body.email : "";
        const wait = await secondsUntilAllowed(db, email, clientIp(ctx.headers));
        if (wait > 0) {
          throw new APIError(
            "TOO_MANY_REQUESTS",
            { message: `Too many failed sign-ins. Try again in ${wait} seconds.`, code: "SIGN_IN_THROTTLED" },
            { "Retry-After": String(wait) },
          );
        }
      }),
      after: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== "/sign-in/email") return;
        const email = typeof ctx.body?.email === "string" ? ctx.body.email : "";
        const ip = clientIp(ctx.headers);
        const returned = ctx.context.returned;
        if (returned instanceof APIError) {
          if (returned.statusCode === 401) await recordFailure(db, email, ip);
        } else {
          await recordSuccess(db, email, ip);
        }
      }),
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;
export type AuthSession = NonNullable<Awaited<ReturnType<Auth["api"]["getSession"]>>>;
