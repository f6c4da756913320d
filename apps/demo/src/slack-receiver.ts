// A local stand-in for a Slack incoming webhook: `slack-receiver --port 4400`. POST /services/... answers like
// Slack and records the message; GET /messages lists them.
import { once } from "node:events";
import { z } from "zod";
import { integerFlag, parseFlags, runCli } from "./cli";
import { listenHost } from "./service/flags";
import { createSlackReceiver } from "./slack-receiver/receiver";

const USAGE = `usage: slack-receiver [options]

  --port N          port to listen on (default 4400); 0 = any free port
  --host ADDRESS    address to listen on (default 127.0.0.1)

Point a Slack notification channel at http://HOST:PORT/services/demo. Prints one JSON line
({"event":"slack-receiver.ready","url":...}) once it listens. Ctrl-C stops it.`;

const flagsSchema = z.object({
  port: integerFlag(0, 65_535).default(4400),
  host: listenHost.default("127.0.0.1"),
});

async function main(): Promise<void> {
  const flags = parseFlags(
    process.argv.slice(2),
    { port: { type: "string" }, host: { type: "string" } },
    flagsSchema,
  );
  const { server } = createSlackReceiver();
  server.listen(flags.port, flags.host);
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : flags.port;
  const host = flags.host.includes(":") ? `[${flags.host}]` : flags.host;
  process.stdout.write(
    `${JSON.stringify({ event: "slack-receiver.ready", url: `http://${host}:${port}` })}\n`,
  );
  const stop = () => server.close(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

runCli(main, USAGE);
