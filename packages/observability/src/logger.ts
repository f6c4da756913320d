import { trace } from "@opentelemetry/api";
import { pino, type DestinationStream, type Logger } from "pino";
import { logLevel, type LogLevel } from "@switchyard/env";

export type { Logger } from "pino";

/** Field names whose values are credentials wherever they appear (top level or up to two objects deep). */
const SECRET_FIELDS = ["authorization", "cookie", "set-cookie", "token", "password", "x-agent-token"];

export const redactedPaths = SECRET_FIELDS.flatMap((field) => {
  const segment = `["${field}"]`;
  return [segment, `*${segment}`, `*.*${segment}`];
});

export interface LoggerOptions {
  /** Goes into every line as `service`, so lines from web, worker and gateway can be told apart. */
  service: string;
  /** Defaults to LOG_LEVEL, then "info". */
  level?: LogLevel;
  /** Defaults to stdout. */
  destination?: DestinationStream;
}

/** A pino logger that writes one JSON object per line with ISO timestamps, labels and trace correlation. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? levelFromEnvironment(),
      base: { service: options.service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      redact: { paths: redactedPaths, censor: "[redacted]" },
      // Lines written inside a span carry its ids, so a log search can jump to the trace.
      mixin() {
        const span = trace.getActiveSpan();
        if (!span) return {};
        const { traceId, spanId } = span.spanContext();
        return { trace_id: traceId, span_id: spanId };
      },
    },
    options.destination,
  );
}

function levelFromEnvironment(): LogLevel {
  const parsed = logLevel.safeParse(process.env.LOG_LEVEL?.trim() || undefined);
  if (!parsed.success)
    throw new Error(`LOG_LEVEL: ${parsed.error.issues[0]?.message} — ${logLevel.description}`);
  return parsed.data;
}
