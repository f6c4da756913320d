export { bearerToken, findAgentByToken, generateAgentToken, hashAgentToken } from "./agent-token";
export { handleAgentRequest, type AgentApiDeps } from "./agent-api";
export { createRevisionNotifier, type RevisionNotifier, type RevisionWait } from "./notifier";
export {
  commitRevision,
  commitRevisionInTransaction,
  latestRevisionAfter,
  RevisionConflictError,
  type CommitRevisionInput,
  type CommittedRevision,
} from "./revisions";
export { revisionStatus, type RevisionStatus, type AgentRevisionState } from "./revision-status";
export { ConfigEditError, setCanaryPercent, setRouteRateLimit, setTargetWeights } from "./config-edits";
export {
  RECENT_FALLBACK_MS,
  sharedLimitFallback,
  sharedLimitFallbacks,
  type AgentSharedLimitFallback,
} from "./shared-limit-fallback";
export { diffConfigs, type DiffLine } from "./revision-diff";
export * from "./rollout";
