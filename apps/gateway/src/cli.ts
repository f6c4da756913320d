#!/usr/bin/env node
import { GatewayAgent } from "./agent";
import { loadBootstrapFile } from "./bootstrap";
import { parseCliArgs, USAGE } from "./cli-args";

async function main(): Promise<number> {
  const args = parseCliArgs(process.argv.slice(2));
  if (args.kind === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.kind === "error") {
    console.error(`switchyard-gateway: ${args.message}\n\n${USAGE}`);
    return 2;
  }
  const loaded = await loadBootstrapFile(args.configPath);
  if (!loaded.ok) {
    console.error(`switchyard-gateway: invalid bootstrap file ${args.configPath}:`);
    for (const issue of loaded.issues) console.error(`  ${issue.path}: ${issue.message}`);
    return 2;
  }
  const agent = await GatewayAgent.start(loaded.bootstrap);
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      console.error(
        JSON.stringify({ ts: new Date().toISOString(), level: "info", msg: `${signal}: draining` }),
      );
      resolve();
    };
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  });
  await agent.stop();
  return 0;
}

// Exit explicitly: after the drain, an exporter's retry timer must not keep the process alive.
main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`switchyard-gateway: ${error.message}`);
    process.exit(1);
  },
);
