import { type Writable } from "node:stream";

export interface AccessLogEntry {
  ts: string;
  requestId: string;
  traceId: string;
  clientIp: string;
  method: string;
  path: string;
  query: string;
  status: number;
  durationMs: number;
  bytesSent: number;
  route: string | null;
  service: string | null;
  target: string | null;
  version: string | null;
  attempts: number;
  upstreamMs: number | null;
  error: string | null;
  rateLimitRemaining: number | null;
}

/**
 * Structured JSON access log, one line per request. Lines are batched and written every
 * `flushIntervalMs` (or at 64 KiB) so a busy proxy makes a few large writes instead of one per request.
 * When the destination cannot keep up, lines are dropped and counted rather than buffered without
 * bound or allowed to slow the proxy.
 */
export class AccessLog {
  private lines: string[] = [];
  private bufferedBytes = 0;
  private readonly timer: NodeJS.Timeout;
  dropped = 0;

  constructor(
    private readonly destination: Writable,
    flushIntervalMs = 200,
    private readonly maxBufferedBytes = 4 * 1024 * 1024,
  ) {
    this.timer = setInterval(() => this.flush(), flushIntervalMs);
    this.timer.unref();
  }

  write(entry: AccessLogEntry): void {
    if (this.bufferedBytes >= this.maxBufferedBytes) {
      this.dropped++;
      return;
    }
    const line = JSON.stringify(entry) + "\n";
    this.lines.push(line);
    this.bufferedBytes += line.length;
    if (this.bufferedBytes >= 65_536) this.flush();
  }

  flush(): void {
    if (this.lines.length === 0 || this.destination.writableNeedDrain) return;
    const chunk = this.lines.join("");
    this.lines = [];
    this.bufferedBytes = 0;
    this.destination.write(chunk);
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
  }
}
