import { parseArgs } from "node:util";

export const USAGE = `Usage: switchyard-gateway --config <bootstrap.json|yaml>

Options:
  -c, --config <file>  bootstrap file (listen addresses, config source, telemetry)
  -h, --help           show this help`;

export type CliArgs =
  { kind: "run"; configPath: string } | { kind: "help" } | { kind: "error"; message: string };

/** Flags are strict: an unknown flag, a missing value or a stray argument is an error naming it. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  let values: { config?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { config: { type: "string", short: "c" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { kind: "error", message: (error as Error).message };
  }
  if (values.help) return { kind: "help" };
  if (values.config === undefined) return { kind: "error", message: "--config is required" };
  if (values.config.trim() === "") return { kind: "error", message: "--config needs a file path" };
  return { kind: "run", configPath: values.config };
}
