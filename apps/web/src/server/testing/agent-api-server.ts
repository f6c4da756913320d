import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Database } from "@switchyard/db";
import { handleAgentRequest, type RevisionNotifier } from "@switchyard/traffic";

export interface AgentApiServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The agent API exactly as the web app mounts it at /api/agent/v1/*, on a plain Node HTTP server on an
 * ephemeral loopback port, so real gateway processes watch, acknowledge and heartbeat over the network.
 */
export async function startAgentApiServer(deps: {
  db: Database;
  notifier: RevisionNotifier;
}): Promise<AgentApiServer> {
  let origin = "";
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    const request = new Request(new URL(req.url ?? "/", origin), {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body: req.method === "GET" ? undefined : Buffer.concat(chunks),
      signal: abort.signal,
    });
    const response = await handleAgentRequest(request, deps);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
