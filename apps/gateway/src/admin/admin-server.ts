import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type AddressInfo } from "node:net";

export interface AdminHandlers {
  /** Null when ready; otherwise the reason it is not. */
  notReadyReason(): string | null;
  status(): unknown;
}

/**
 * The admin listener, on its own port so it can stay private: `/healthz` (the process is alive),
 * `/readyz` (a revision is loaded and the agent is not draining), `/status` (revision, source,
 * targets with health, ejection and breaker state, rate limits, telemetry loss).
 */
export class AdminServer {
  private readonly server: Server;

  constructor(private readonly handlers: AdminHandlers) {
    this.server = createServer((req, res) => this.handle(req, res));
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

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== "GET" && req.method !== "HEAD") {
      return send(res, 405, { error: { code: "method_not_allowed", message: "use GET" } }, [
        "allow",
        "GET, HEAD",
      ]);
    }
    const path = (req.url ?? "/").split("?")[0];
    switch (path) {
      case "/healthz":
        return send(res, 200, { status: "ok" });
      case "/readyz": {
        const reason = this.handlers.notReadyReason();
        return reason === null
          ? send(res, 200, { status: "ready" })
          : send(res, 503, { status: "not_ready", reason });
      }
      case "/status":
        return send(res, 200, this.handlers.status());
      default:
        return send(res, 404, { error: { code: "not_found", message: "try /healthz, /readyz or /status" } });
    }
  }
}

function send(res: ServerResponse, status: number, body: unknown, extraHeaders: string[] = []): void {
  const text = JSON.stringify(body);
  res.writeHead(status, [
    "content-type",
    "application/json; charset=utf-8",
    "content-length",
    String(Buffer.byteLength(text)),
    "cache-control",
    "no-store",
    ...extraHeaders,
  ]);
  res.end(text);
}
