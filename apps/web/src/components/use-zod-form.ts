"use client";

import { useState } from "react";
import type { z } from "zod";

type StringKeys<V> = { [K in keyof V]: V[K] extends string ? K : never }[keyof V] & string;

/**
 * Client-side validation with the same zod schema the server uses: errors per field, shown once a field has
 * been touched or the form submitted, so people see problems as they type without being shouted at first.
 * Form values are what the inputs hold (text, mostly); `toInput` turns them into the schema's input when
 * they differ (numbers typed as text, a list of checked boxes).
 */
export function useZodForm<S extends z.ZodType, V extends Record<string, unknown>>(
  schema: S,
  initial: V,
  toInput: (values: V) => unknown = (values) => values,
) {
  const [values, setValues] = useState(initial);
  const [touched, setTouched] = useState<Partial<Record<keyof V, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string | undefined>>({});

  const parsed = schema.safeParse(toInput(values));
  const clientErrors: Record<string, string | undefined> = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0]);
      clientErrors[key] ??= issue.message;
    }
  }

  const errorFor = (field: keyof V & string) =>
    (submitted || touched[field] ? clientErrors[field] : undefined) ?? serverErrors[field];

  const setValue = <K extends keyof V & string>(field: K, value: V[K]) => {
    setValues((v) => ({ ...v, [field]: value }));
    setServerErrors((s) => ({ ...s, [field]: undefined }));
  };

  const fieldProps = (field: StringKeys<V>) => ({
    name: field,
    value: values[field] as string,
    error: errorFor(field),
    onChange: (e: { target: { value: string } }) => setValue(field, e.target.value as V[typeof field]),
    onBlur: () => setTouched((t) => ({ ...t, [field]: true })),
  });

  /** Marks the form submitted and returns the parsed data, or null when a field is invalid. */
  const validate = (): z.output<S> | null => {
    setSubmitted(true);
    return parsed.success ? parsed.data : null;
  };

  const reset = (next: V = initial) => {
    setValues(next);
    setTouched({});
    setSubmitted(false);
    setServerErrors({});
  };

  return { values, fieldProps, setValue, errorFor, validate, setServerErrors, reset };
}
