export * from "./jobs";
export * from "./gateway-config";
export * from "./agent-protocol";
