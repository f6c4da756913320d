import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type AddressInfo } from "node:net";
import {
  agentApiPaths,
  configAckSchema,
  configWatchQuerySchema,
  heartbeatSchema,
  type ConfigAck,
  type ConfigRevision,
  type Heartbeat,
} from "@switchyard/contracts";

interface Waiter {
  after: number;
  res: ServerResponse;
  timer: NodeJS.Timeout;
}

/** What reached the control plane, in order: watches as they arrive, acks as they are answered. */
export type ProtocolEvent =
  { kind: "watch"; after: number; at: number } | { kind: "ack_answered"; revision: number; at: number };

/**
 * The control plane's side of the agent protocol, as small as it can be: revisions in memory, the
 * blocking watch, and the ack and heartbeat endpoints. It validates what the agent sends with the
 * contract schemas, so a test fails if the agent speaks the protocol wrongly.
 */
export class TestControlPlane {
  readonly revisions: ConfigRevision[] = [];
  readonly acks: ConfigAck[] = [];
  readonly heartbeats: Heartbeat[] = [];
  readonly protocolErrors: string[] = [];
  readonly events: ProtocolEvent[] = [];
  /** Holds every ack this long before answering it, to play a slow control plane. */
  ackDelayMs = 0;
  private waiters: Waiter[] = [];
  private server: Server | null = null;
  port = 0;

  constructor(
    private readonly token: string,
    readonly groupId = "group-1",
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port = this.port): Promise<this> {
    const server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const waiter of this.waiters) clearTimeout(waiter.timer);
    this.waiters = [];
    const server = this.server;
    this.server = null;
    if (server === null) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Adds the next revision and answers every watch that is waiting for it. */
  publish(config: unknown): number {
    const revision: ConfigRevision = {
      number: this.revisions.length + 1,
      groupId: this.groupId,
      createdAt: new Date().toISOString(),
      config,
    };
    this.revisions.push(revision);
    const waiting = this.waiters;
    this.waiters = [];
    for (const waiter of waiting) {
      clearTimeout(waiter.timer);
      this.answerWatch(waiter.res, waiter.after);
    }
    return revision.number;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      return send(res, 401, { error: { code: "unauthorized", message: "unknown agent token" } });
    }
    const url = new URL(req.url ?? "/", "http://control-plane");
    if (req.method === "GET" && url.pathname === agentApiPaths.config) {
      const query = configWatchQuerySchema.safeParse(Object.fromEntries(url.searchParams));
      if (!query.success) {
        this.protocolErrors.push(`bad watch query ${url.search}`);
        return send(res, 400, { error: { code: "bad_request", message: query.error.message } });
      }
      this.events.push({ kind: "watch", after: query.data.after, at: Date.now() });
      if (this.latestAfter(query.data.after) !== undefined) return this.answerWatch(res, query.data.after);
      const waiter: Waiter = {
        after: query.data.after,
        res,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((other) => other !== waiter);
          res.writeHead(204).end();
        }, query.data.waitSeconds * 1000),
      };
      this.waiters.push(waiter);
      return;
    }
    if (
      req.method === "POST" &&
      (url.pathname === agentApiPaths.ack || url.pathname === agentApiPaths.heartbeat)
    ) {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        const isAck = url.pathname === agentApiPaths.ack;
        const parsed = (isAck ? configAckSchema : heartbeatSchema).safeParse(JSON.parse(body));
        if (!parsed.success) {
          this.protocolErrors.push(`${url.pathname}: ${parsed.error.message}`);
          return send(res, 400, { error: { code: "bad_request", message: parsed.error.message } });
        }
        if (!isAck) {
          this.heartbeats.push(parsed.data as Heartbeat);
          return res.writeHead(204).end();
        }
        const ack = parsed.data as ConfigAck;
        this.acks.push(ack);
        setTimeout(() => {
          this.events.push({ kind: "ack_answered", revision: ack.revision, at: Date.now() });
          res.writeHead(204).end();
        }, this.ackDelayMs);
      });
      return;
    }
    send(res, 404, { error: { code: "not_found", message: url.pathname } });
  }

  private latestAfter(after: number): ConfigRevision | undefined {
    const latest = this.revisions.at(-1);
    return latest !== undefined && latest.number > after ? latest : undefined;
  }

  private answerWatch(res: ServerResponse, after: number): void {
    send(res, 200, { revision: this.latestAfter(after) });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
