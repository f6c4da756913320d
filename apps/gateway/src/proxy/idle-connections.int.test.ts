import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProxyServer } from "./proxy-server";

// A proxy without a revision answers every request itself (503 not_ready), which is all these tests
// need: real keep-alive connections on loopback and the server's idle handling.
const TIMEOUT_MS = 400;
let server: ProxyServer;
let port: number;

beforeAll(async () => {
  server = new ProxyServer({
    accessLog: null,
    spans: null,
    traceSampleRate: 0,
    slowRequestMs: 500,
    keepAliveTimeoutMs: TIMEOUT_MS,
  });
  port = (await server.listen("127.0.0.1", 0)).port;
});

afterAll(async () => {
  await server.drain(1_000);
});

function open(): Promise<{ socket: Socket; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => {
      const closed = new Promise<number>((done) => socket.once("close", () => done(Date.now())));
      resolve({ socket, closed });
    });
    socket.once("error", reject);
    socket.resume();
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("idle client connections", () => {
  it("closes a keep-alive connection after it has been idle for the timeout, not before", async () => {
    const { socket, closed } = await open();
    let response = "";
    socket.on("data", (chunk: Buffer) => (response += chunk.toString("latin1")));
    socket.write("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
    await sleep(TIMEOUT_MS / 2);
    // Reused before the timeout: the connection is still open and answers again.
    socket.write("GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
    const lastRequestAt = Date.now();
    const closedAt = await closed;
    expect(response.match(/HTTP\/1\.1 503/g)).toHaveLength(2);
    expect(response.toLowerCase()).not.toContain("connection: close");
    expect(closedAt - lastRequestAt).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(closedAt - lastRequestAt).toBeLessThan(TIMEOUT_MS * 4);
  });

  it("keeps a connection that is still sending a request open past the timeout", async () => {
    const { socket, closed } = await open();
    let isClosed = false;
    void closed.then(() => (isClosed = true));
    const head = "GET /slow HTTP/1.1\r\nHost: x\r\nX-Padding: ";
    socket.write(head);
    for (let i = 0; i < 10; i++) {
      await sleep(TIMEOUT_MS / 4);
      socket.write("a");
    }
    expect(isClosed).toBe(false);
    socket.destroy();
  });
});
