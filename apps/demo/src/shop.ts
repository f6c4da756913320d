// The demo shop supervisor: `npm run demo:shop` starts users x2, products x2, orders v1 x2 and orders v2 x2.
import { runCli } from "./cli";
import { parseShopFlags, SHOP_USAGE } from "./shop/flags";
import { type ShopInstance, startShop } from "./supervisor";

function printTable(instances: readonly ShopInstance[]): void {
  const rows = [
    ["INSTANCE", "SERVICE", "VERSION", "URL", "PID"],
    ...instances.map((instance) => [
      instance.id,
      instance.service,
      instance.version,
      instance.url,
      String(instance.pid),
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) {
    process.stdout.write(`${row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ")}\n`);
  }
}

async function main(): Promise<void> {
  const shop = await startShop(parseShopFlags(process.argv.slice(2)));
  printTable(shop.instances);
  process.stdout.write(`${JSON.stringify({ event: "shop.ready", instances: shop.instances })}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`[shop] ${signal}: stopping ${shop.instances.length} replicas\n`);
    await shop.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

runCli(main, SHOP_USAGE);
