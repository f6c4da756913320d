import { z } from "zod";

/** sysexits.h EX_CONFIG: the process cannot start because of its configuration. */
export const EX_CONFIG = 78;

export type EnvSource = Record<string, string | undefined>;

export type EnvCheck<T> = { ok: true; env: T } | { ok: false; problems: string[] };

/**
 * Parses `source` with `schema` and, on failure, describes each bad variable on one line:
 * `NAME: what is wrong — what is expected`. The variable's value is never part of a line, so a
 * malformed secret cannot leak into logs.
 *
 * An empty value counts as unset: `.env` files often carry `NAME=` for optional variables.
 */
export function checkEnv<S extends z.ZodObject>(schema: S, source: EnvSource): EnvCheck<z.output<S>> {
  const result = schema.safeParse(withoutEmptyValues(source));
  if (result.success) return { ok: true, env: result.data };

  const problemByVariable = new Map<string, string>();
  for (const issue of result.error.issues) {
    const variable = issue.path.length > 0 ? String(issue.path[0]) : "environment";
    if (problemByVariable.has(variable)) continue;
    const unset = (source[variable] ?? "").trim() === "" && issue.code === "invalid_type";
    const expected = describeField(schema.shape[variable]);
    // zod's own "Invalid input: expected string, received undefined" says less than "required"; a message
    // the schema's author wrote is kept as it is.
    const what =
      unset && (expected || issue.message.startsWith("Invalid input")) ? "required" : issue.message;
    problemByVariable.set(variable, expected ? `${variable}: ${what} — ${expected}` : `${variable}: ${what}`);
  }
  return { ok: false, problems: [...problemByVariable.values()] };
}

export interface LoadEnvOptions {
  /** Names the process in the error output, e.g. "worker" or "web". */
  service: string;
  source?: EnvSource;
}

/**
 * Validates the environment at start-up. On failure prints one line per bad variable to stderr and exits
 * with EX_CONFIG (78), so a supervisor can tell a configuration error from a crash.
 */
export function loadEnv<S extends z.ZodObject>(schema: S, options: LoadEnvOptions): z.output<S> {
  const check = checkEnv(schema, options.source ?? process.env);
  if (check.ok) return check.env;
  const count = check.problems.length;
  console.error(
    `${options.service}: cannot start, ${count} environment variable${count === 1 ? " is" : "s are"} ` +
      `missing or invalid (see .env.example):`,
  );
  for (const problem of check.problems) console.error(`  ${problem}`);
  return process.exit(EX_CONFIG);
}

function withoutEmptyValues(source: EnvSource): EnvSource {
  return Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value.trim() !== ""),
  );
}

/** The field's `.describe()` text, looking through `.optional()` and `.default()` wrappers. */
function describeField(field: z.ZodType | undefined): string | undefined {
  let current: z.ZodType | undefined = field;
  while (current) {
    if (current.description) return current.description;
    const inner: unknown = (current._zod.def as { innerType?: unknown }).innerType;
    current = inner instanceof z.ZodType ? inner : undefined;
  }
  return undefined;
}
