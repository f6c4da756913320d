export { GatewayAgent, type AgentOptions } from "./agent";
export {
  bootstrapSchema,
  loadBootstrapFile,
  parseBootstrap,
  type Bootstrap,
  type BootstrapInput,
} from "./bootstrap";
export { DURATION_BOUNDARIES_MS } from "./telemetry/request-metrics";
export { DURATION_METRIC, REQUESTS_METRIC } from "./telemetry/metrics-producer";
export { DROPPED_METRIC, SHARED_RATE_LIMIT_METRIC } from "./telemetry/telemetry";
export { silentLogger, stderrLogger, type Logger } from "./log";
