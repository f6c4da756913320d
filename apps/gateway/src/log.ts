/** Operational log lines (not the access log): JSON on stderr, so stdout stays the access log. */
export type LogLevel = "debug" | "info" | "warn" | "error";

export type Logger = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

export const stderrLogger: Logger = (level, message, fields) => {
  console.error(JSON.stringify({ ts: new Date().toISOString(), level, msg: message, ...fields }));
};

export const silentLogger: Logger = () => {};
