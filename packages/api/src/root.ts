import { agentRouter } from "./routers/agent";
import { auditRouter } from "./routers/audit";
import { gatewayGroupRouter } from "./routers/gateway-group";
import { ingestKeyRouter } from "./routers/ingest-key";
import { memberRouter } from "./routers/member";
import { organizationRouter } from "./routers/organization";
import { rolloutRouter } from "./routers/rollout";
import { trafficRouter } from "./routers/traffic";
import { telemetryRouter } from "./routers/telemetry";
import { viewerRouter } from "./routers/viewer";
import { createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  viewer: viewerRouter,
  organization: organizationRouter,
  member: memberRouter,
  gatewayGroup: gatewayGroupRouter,
  agent: agentRouter,
  audit: auditRouter,
  ingestKey: ingestKeyRouter,
  telemetry: telemetryRouter,
  traffic: trafficRouter,
  rollout: rolloutRouter,
});

export type AppRouter = typeof appRouter;
