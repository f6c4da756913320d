import { z } from "zod";
import { integerFlag, parseFlags } from "../cli";
import { listenHost } from "../service/flags";

export const RECEIVER_USAGE = `usage: slack-receiver [options]

  --port N          port to listen on (default 4400); 0 = any free port
  --host ADDRESS    address to listen on (default 127.0.0.1)

Point a Slack notification channel at http://HOST:PORT/services/demo. Prints one JSON line
({"event":"slack-receiver.ready","url":...}) once it listens. Ctrl-C stops it.`;

const receiverFlagsSchema = z.object({
  port: integerFlag(0, 65_535).default(4400),
  host: listenHost.default("127.0.0.1"),
});

/** The receiver's flags; throws a UsageError naming the flag. */
export function parseReceiverFlags(argv: readonly string[]) {
  return parseFlags(argv, { port: { type: "string" }, host: { type: "string" } }, receiverFlagsSchema);
}
