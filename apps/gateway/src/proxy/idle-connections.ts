import { type Socket } from "node:net";

const kLastBytesRead = Symbol("switchyard.lastBytesRead");
const kIdleSince = Symbol("switchyard.idleSince");
type TrackedSocket = Socket & { [kLastBytesRead]: number; [kIdleSince]: number };

/**
 * Closes client keep-alive connections that stay idle for `timeoutMs`, with one timer for all of them.
 *
 * Node's own `keepAliveTimeout` re-arms a timer on the socket twice per request (cleared when a request
 * arrives, set again when its response is done: a Timeout object and a bound callback each time). Here
 * each connection is looked at a few times per timeout instead, which costs the request path nothing:
 * a connection is idle while it has no exchange in flight, nothing left to write, and has read nothing
 * since the previous look. A connection is closed between `timeoutMs` and `timeoutMs` plus one
 * interval (a quarter of the timeout, 100 ms to 5 s) after it went idle.
 */
export class IdleConnections {
  private readonly sockets = new Set<TrackedSocket>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly timeoutMs: number,
    private readonly hasExchangesInFlight: (socket: Socket) => boolean,
  ) {
    const interval = Math.min(5_000, Math.max(100, Math.floor(timeoutMs / 4)));
    this.timer = setInterval(() => this.sweep(Date.now()), interval);
    this.timer.unref();
  }

  add(socket: Socket): void {
    const tracked = socket as TrackedSocket;
    tracked[kLastBytesRead] = 0;
    tracked[kIdleSince] = Date.now();
    this.sockets.add(tracked);
    socket.once("close", () => this.sockets.delete(tracked));
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sweep(now: number): void {
    for (const socket of this.sockets) {
      const bytesRead = socket.bytesRead;
      if (
        bytesRead !== socket[kLastBytesRead] ||
        socket.writableLength > 0 ||
        this.hasExchangesInFlight(socket)
      ) {
        socket[kLastBytesRead] = bytesRead;
        socket[kIdleSince] = now;
      } else if (now - socket[kIdleSince] >= this.timeoutMs) {
        socket.destroy();
      }
    }
  }
}
