import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter, createContext } from "@switchyard/api";
import { getDb } from "@switchyard/db";
import { webEnv } from "@/env";
import { getAuth } from "@/server/auth";
import { logger } from "@/server/logger";
import { getRevisionNotifier } from "@/server/revision-notifier";

/**
 * Wakes the group's agents. If Redis is unreachable the revision is still committed and every web process's
 * watches fall back to polling the database, so agents converge within about a second; say so in the log.
 */
async function announceRevision(groupId: string, number: number) {
  await getRevisionNotifier()
    .announce(groupId, number)
    .catch((error: unknown) =>
      logger.warn({ err: error, groupId, number }, "could not announce revision; agents will poll"),
    );
}

function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    router: appRouter,
    req,
    createContext: () =>
      createContext(
        { auth: getAuth(), db: getDb(), publicUrl: webEnv().SWITCHYARD_PUBLIC_URL, announceRevision },
        req.headers,
      ),
    onError({ error, path }) {
      // Client errors (bad input, 401/403/404) are answers, not faults; only log what is ours to fix.
      if (error.code === "INTERNAL_SERVER_ERROR") logger.error({ err: error, path }, "tRPC procedure failed");
    },
  });
}

export { handler as GET, handler as POST };
