// The traffic generator: `traffic --target http://127.0.0.1:8080 --rps 50 --duration 30s --seed 42`.
import { runCli } from "./cli";
import { parseTrafficFlags, TRAFFIC_USAGE } from "./traffic/flags";
import { runTraffic } from "./traffic/runner";
import { formatSummary } from "./traffic/summary";

async function main(): Promise<void> {
  const options = parseTrafficFlags(process.argv.slice(2));
  const abort = new AbortController();
  process.once("SIGINT", () => abort.abort());
  process.once("SIGTERM", () => abort.abort());
  const summary = await runTraffic({ ...options, signal: abort.signal });
  process.stdout.write(
    `${formatSummary(summary)}\n${JSON.stringify({ event: "traffic.summary", ...summary })}\n`,
  );
}

runCli(main, TRAFFIC_USAGE);
