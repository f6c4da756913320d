import { TRPCClientError } from "@trpc/client";
import type { AppRouter } from "@switchyard/api";

/** The field errors of a failed call (from zod on the server), keyed by field name. */
export function fieldErrorsOf(error: unknown): Record<string, string | undefined> {
  if (!(error instanceof TRPCClientError)) return {};
  const fieldErrors: Record<string, string[] | undefined> =
    (error as TRPCClientError<AppRouter>).data?.zodError?.fieldErrors ?? {};
  return Object.fromEntries(Object.entries(fieldErrors).map(([field, messages]) => [field, messages?.[0]]));
}

/** A sentence for the user. Field errors are shown next to their fields, so the summary stays short. */
export function messageOf(error: unknown): string {
  if (error instanceof TRPCClientError) {
    if ((error as TRPCClientError<AppRouter>).data?.zodError) return "Some fields need attention.";
    return error.message;
  }
  return "Something went wrong. Try again.";
}
