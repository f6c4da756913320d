"use client";

import { fieldErrorsOf, messageOf } from "@/trpc/errors";
import { Alert } from "./ui";

/** A failed call's message, unless it is a field error already shown next to one of `fields`. */
export function MutationError({ error, fields }: { error: unknown; fields: string[] }) {
  if (!error) return null;
  const fieldErrors = fieldErrorsOf(error);
  if (fields.some((field) => fieldErrors[field])) return null;
  return (
    <div className="mt-3">
      <Alert>{messageOf(error)}</Alert>
    </div>
  );
}
