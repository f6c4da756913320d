// Runs once when the Next.js server starts: validate the environment before serving anything, then start
// OpenTelemetry (a no-op unless OTEL_EXPORTER_OTLP_ENDPOINT is set).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { webEnv } = await import("./env");
  webEnv();
  const { startTelemetry } = await import("@switchyard/observability");
  const { isConfigWatchTarget } = await import("@switchyard/contracts");
  const { logger } = await import("./server/logger");
  await startTelemetry({
    serviceName: "switchyard-web",
    serviceVersion: "0.1.0",
    logger,
    // Next.js starts each request's SERVER span itself (with its route and status).
    frameworkTracesRequests: true,
    // The agents' config watches are held for up to 60 s by design; they must not read as slow requests.
    isLongPoll: isConfigWatchTarget,
  });
}
