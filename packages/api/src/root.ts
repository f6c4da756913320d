import { agentRouter } from "./routers/agent";
import { alertRuleRouter } from "./routers/alert-rule";
import { auditRouter } from "./routers/audit";
import { gatewayGroupRouter } from "./routers/gateway-group";
import { incidentRouter } from "./routers/incident";
import { ingestKeyRouter } from "./routers/ingest-key";
import { memberRouter } from "./routers/member";
import { notificationChannelRouter } from "./routers/notification-channel";
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
  alertRule: alertRuleRouter,
  notificationChannel: notificationChannelRouter,
  incident: incidentRouter,
});

export type AppRouter = typeof appRouter;
