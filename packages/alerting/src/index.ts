export {
  ChannelSecretError,
  decryptChannelSecret,
  deriveChannelKey,
  encryptChannelSecret,
  maskWebhookUrl,
  type ChannelKey,
} from "./secrets";
export {
  buildFiringMessage,
  buildResolvedMessage,
  buildTestMessage,
  parseRetryAfter,
  sendSlackMessage,
  type AlertMessageInput,
  type AlertSeverity,
  type SlackMessage,
  type SlackResponse,
} from "./slack";
export { alertsUrl, dashboardUrl, trafficUrl, type DashboardTarget } from "./links";
export { formatDuration, formatSignalValue, signalLabels } from "./format";
export {
  canaryContextSchema,
  incidentContextSchema,
  readIncidentContext,
  type CanaryContext,
  type IncidentContext,
} from "./incident-context";
export { evaluateAlertRules, type EvaluationSummary, type EvaluatorDependencies } from "./evaluator";
export {
  deliverNotification,
  sendTestMessage,
  DEFAULT_SEND_TIMEOUT_MS,
  type DeliveryStep,
  type NotifierDependencies,
  type TestMessageResult,
} from "./notifier";
