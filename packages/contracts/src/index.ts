export * from "./agent-protocol";
export * from "./control-plane";
export * from "./gateway-config";
export * from "./jobs";
export * from "./telemetry";
