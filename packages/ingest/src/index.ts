export {
  createOtlpHandler,
  defaultIngestLimits,
  type IngestLimits,
  type IngestHandlerOptions,
  type Signal,
} from "./handler";
export {
  createAuthenticator,
  type Authenticate,
  type IngestPrincipal,
  type TokenCacheOptions,
} from "./authenticate";
export { createIngestQueue, type IngestBacklog, type IngestQueue } from "./ingest-queue";
export { generateIngestKey, hashToken, INGEST_KEY_PREFIX, AGENT_TOKEN_PREFIX } from "./ingest-key";
