export * from "./agent-protocol";
export * from "./control-plane";
export * from "./gateway-config";
export * from "./jobs";
export * from "./traffic";
export * from "./telemetry";
export * from "./dashboard";
export * from "./alerting";
