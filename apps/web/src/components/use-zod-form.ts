"use client";

import { useState } from "react";
import type { z } from "zod";

/**
 * Client-side validation with the same zod schema the server uses: errors per field, shown once a field has
 * been touched or the form submitted, so people see problems as they type without being shouted at first.
 */
export function useZodForm<S extends z.ZodObject>(schema: S, initial: Record<keyof z.input<S>, string>) {
  const [values, setValues] = useState(initial);
  const [touched, setTouched] = useState<Partial<Record<keyof z.input<S>, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string | undefined>>({});

  const parsed = schema.safeParse(values);
  const clientErrors: Record<string, string | undefined> = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0]);
      clientErrors[key] ??= issue.message;
    }
  }

  const errorFor = (field: keyof z.input<S> & string) =>
    (submitted || touched[field] ? clientErrors[field] : undefined) ?? serverErrors[field];

  const fieldProps = (field: keyof z.input<S> & string) => ({
    name: field,
    value: values[field],
    error: errorFor(field),
    onChange: (e: { target: { value: string } }) => {
      setValues((v) => ({ ...v, [field]: e.target.value }));
      setServerErrors((s) => ({ ...s, [field]: undefined }));
    },
    onBlur: () => setTouched((t) => ({ ...t, [field]: true })),
  });

  /** Marks the form submitted and returns the parsed data, or null when a field is invalid. */
  const validate = (): z.output<S> | null => {
    setSubmitted(true);
    return parsed.success ? parsed.data : null;
  };

  const reset = () => {
    setValues(initial);
    setTouched({});
    setSubmitted(false);
    setServerErrors({});
  };

  return { values, fieldProps, validate, setServerErrors, reset };
}
