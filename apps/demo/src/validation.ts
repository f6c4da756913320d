import { type z } from "zod";

/** Bad configuration (flags, options, environment): the message names the field to fix. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

export interface FieldIssue {
  field: string;
  message: string;
}

/** Zod's "missing" message is vague; schemas pass this so an absent value reads "is required". */
export const requiredError = {
  error: (issue: { input?: unknown }) => (issue.input === undefined ? "is required" : undefined),
};

/**
 * Flattens zod issues into one entry per field. `rename` maps a field path (e.g. `usersUrl`) to what the user
 * typed (e.g. `--users-url`), so every message names the thing to fix.
 */
export function fieldIssues(
  error: z.ZodError,
  rename: (path: string) => string = (path) => path,
): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        field: rename(path ? `${path}.${key}` : key),
        message: "is not a known field",
      }));
    }
    return [{ field: rename(path || "(root)"), message: issue.message }];
  });
}

export function describeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((issue) => `${issue.field}: ${issue.message}`).join("; ");
}

/** The fields of `value` that are not undefined, so spreading a patch never overwrites with undefined. */
export function definedFields<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
