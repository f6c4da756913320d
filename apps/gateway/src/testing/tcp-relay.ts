import { createServer, connect, type Server, type Socket } from "node:net";

/**
 * A TCP relay on loopback in front of a real service, which a test can cut (close every connection and
 * refuse new ones) and restore on the same port: the service "goes away" for its clients without
 * stopping it for anyone else on the machine.
 */
export class TcpRelay {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  /** Upstream side and client side of each relayed connection. */
  private readonly pairs = new Set<[upstream: Socket, client: Socket]>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static forUrl(url: string): TcpRelay {
    const parsed = new URL(url);
    return new TcpRelay(parsed.hostname, Number(parsed.port || 6379));
  }

  /** The target URL with the relay's address in place of the service's. */
  relayUrl(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = "127.0.0.1";
    parsed.port = String(this.port);
    return parsed.toString();
  }

  async start(): Promise<this> {
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, this.targetHost);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      const pair: [Socket, Socket] = [upstream, client];
      this.pairs.add(pair);
      client.once("close", () => this.pairs.delete(pair));
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
    return this;
  }

  /** Stops passing the service's answers on (they wait in the relay) until {@link release}. */
  hold(): void {
    for (const [upstream, client] of this.pairs) upstream.unpipe(client);
  }

  release(): void {
    for (const [upstream, client] of this.pairs) upstream.pipe(client);
  }

  /** Drops every connection and stops listening: clients see resets, then refused connections. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
