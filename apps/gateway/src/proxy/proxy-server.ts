import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type AddressInfo, type Socket } from "node:net";
import { type CompiledConfig } from "../runtime/compiled-config";
import { type AccessLog } from "../telemetry/access-log";
import { type SpanRecorder } from "../telemetry/span-recorder";
import { writeErrorResponse } from "./error-response";
import { hasExchangesInFlight, ProxyExchange, trackClientSocket, type ProxyEnvironment } from "./exchange";
import { IdleConnections } from "./idle-connections";
import { IdSource } from "./trace-context";

export interface ProxyServerOptions {
  accessLog: AccessLog | null;
  spans: SpanRecorder | null;
  traceSampleRate: number;
  slowRequestMs: number;
  /** Idle time before the gateway closes a client's keep-alive connection. */
  keepAliveTimeoutMs?: number;
}

/**
 * The client-facing listener. It holds the current compiled revision in one field; a swap replaces
 * that reference, and each request keeps the revision it started with until it is done.
 */
export class ProxyServer implements ProxyEnvironment {
  readonly ids = new IdSource();
  readonly accessLog: AccessLog | null;
  readonly spans: SpanRecorder | null;
  readonly traceSampleRate: number;
  readonly slowRequestMs: number;
  draining = false;
  inflight = 0;
  private active: CompiledConfig | null = null;
  private readonly server: Server;
  private readonly idleConnections: IdleConnections;

  constructor(options: ProxyServerOptions) {
    this.accessLog = options.accessLog;
    this.spans = options.spans;
    this.traceSampleRate = options.traceSampleRate;
    this.slowRequestMs = options.slowRequestMs;
    // Idle keep-alive connections are closed by one shared sweep rather than Node's per-request timer
    // (see IdleConnections), so Node's own keep-alive timeout is off.
    this.server = createServer({ noDelay: true, keepAliveTimeout: 0 }, (req, res) => this.handle(req, res));
    this.idleConnections = new IdleConnections(options.keepAliveTimeoutMs ?? 30_000, hasExchangesInFlight);
    this.server.on("connection", (socket: Socket) => {
      trackClientSocket(socket);
      this.idleConnections.add(socket);
    });
  }

  get current(): CompiledConfig | null {
    return this.active;
  }

  swap(compiled: CompiledConfig): void {
    this.active = compiled;
  }

  exchangeFinished(): void {
    this.inflight--;
  }

  listen(host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /**
   * Graceful drain: stop accepting, close idle keep-alive connections, let in-flight requests finish
   * (their responses say `Connection: close`), and cut whatever is left after `timeoutMs`.
   */
  async drain(timeoutMs: number): Promise<{ abandoned: number }> {
    this.draining = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const deadline = Date.now() + timeoutMs;
    while (this.inflight > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      this.server.closeIdleConnections();
    }
    const abandoned = this.inflight;
    this.server.closeAllConnections();
    await closed;
    this.idleConnections.stop();
    return { abandoned };
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.inflight++;
    const config = this.active;
    if (config === null) {
      writeErrorResponse(res, "not_ready", this.ids.spanId(), ["retry-after", "1"], this.draining);
      this.inflight--;
      return;
    }
    new ProxyExchange(this, config, req, res).start();
  }
}
