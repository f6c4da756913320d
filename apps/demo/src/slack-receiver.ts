// A local stand-in for a Slack incoming webhook: `slack-receiver --port 4400`. POST /services/... answers like
// Slack and records the message; GET /messages lists them.
import { once } from "node:events";
import { createSlackReceiver } from "@switchyard/alerting/slack-receiver";
import { runCli } from "./cli";
import { parseReceiverFlags, RECEIVER_USAGE } from "./slack-receiver/flags";

async function main(): Promise<void> {
  const flags = parseReceiverFlags(process.argv.slice(2));
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

runCli(main, RECEIVER_USAGE);
