export { bearerToken, findAgentByToken, generateAgentToken, hashAgentToken } from "./agent-token";
export { handleAgentRequest, type AgentApiDeps } from "./agent-api";
export { createRevisionNotifier, type RevisionNotifier, type RevisionWait } from "./notifier";
export {
  commitRevision,
  latestRevisionAfter,
  RevisionConflictError,
  type CommitRevisionInput,
  type CommittedRevision,
} from "./revisions";
