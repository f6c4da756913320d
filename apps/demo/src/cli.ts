import { parseArgs, type ParseArgsConfig } from "node:util";
import { z } from "zod";
import { ConfigError, describeIssues, fieldIssues, requiredError } from "./validation";

/** A bad command line: the message names the flag, and the CLI exits with status 2. */
export class UsageError extends ConfigError {
  override name = "UsageError";
}

type FlagOptions = NonNullable<ParseArgsConfig["options"]>;

/** `usersUrl` -> `--users-url`, so zod paths over camelCase keys read as the flags the user typed. */
export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

function camelCase(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * Parses `argv` strictly (unknown flags and positionals are errors), then validates the values with `schema`.
 * Flags are declared in kebab-case and handed to the schema in camelCase.
 */
export function parseFlags<Schema extends z.ZodType>(
  argv: readonly string[],
  options: FlagOptions,
  schema: Schema,
): z.output<Schema> {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const camel = Object.fromEntries(Object.entries(values).map(([key, value]) => [camelCase(key), value]));
  const result = schema.safeParse(camel);
  if (!result.success) {
    throw new UsageError(
      describeIssues(fieldIssues(result.error, (path) => flagName(path.split(".")[0] ?? path))),
    );
  }
  return result.data;
}

/** Runs a CLI's main function: bad configuration prints the message and usage and exits 2; anything else exits 1. */
export function runCli(main: () => Promise<void>, usage: string): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(`error: ${error.message}\n\n${usage}`);
      process.exit(2);
    }
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  });
}

/** An integer flag in [min, max]; argv values arrive as strings. */
export function integerFlag(min: number, max: number) {
  return z
    .string(requiredError)
    .regex(/^-?\d+$/, "expected an integer")
    .transform(Number)
    .pipe(z.number().min(min).max(max));
}

/** An absolute http(s) URL. */
export const httpUrl = z.url({
  protocol: /^https?$/,
  error: (issue) => (issue.input === undefined ? "is required" : "expected an http(s) URL"),
});
