import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "./root";

export { appRouter, type AppRouter } from "./root";
export {
  createContext,
  ORGANIZATION_HEADER,
  type Context,
  type ContextDeps,
  type PublishedRevision,
} from "./context";
export { createCallerFactory } from "./trpc";

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export { TelemetryReader, createTelemetryReader, type TelemetryPool } from "./dashboard-views";
