import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter, createContext } from "@switchyard/api";
import { getDb } from "@switchyard/db";
import { webEnv } from "@/env";
import { getAuth } from "@/server/auth";
import { getChannelKey } from "@/server/channel-key";
import { logger } from "@/server/logger";
import { publishRevision, scheduleRolloutCheck } from "@/server/publish-revision";
import { getTelemetryQueries } from "@/server/telemetry";

function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    router: appRouter,
    req,
    createContext: () =>
      createContext(
        {
          auth: getAuth(),
          db: getDb(),
          publicUrl: webEnv().SWITCHYARD_PUBLIC_URL,
          publishRevision,
          scheduleRolloutCheck,
          telemetry: getTelemetryQueries(),
          channelKey: getChannelKey(),
        },
        req.headers,
      ),
    onError({ error, path }) {
      // Client errors (bad input, 401/403/404) are answers, not faults; only log what is ours to fix.
      if (error.code === "INTERNAL_SERVER_ERROR") logger.error({ err: error, path }, "tRPC procedure failed");
    },
  });
}

export { handler as GET, handler as POST };
