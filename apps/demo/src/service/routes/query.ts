import { z } from "zod";
import { validateInput } from "../http";

export const paginationFields = {
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
};

/** Validates a query string against a strict schema (unknown parameters are a 400 too). */
export function parseQuery<Shape extends z.ZodRawShape>(
  shape: Shape,
  query: URLSearchParams,
): z.output<z.ZodObject<Shape>> {
  return validateInput(z.strictObject(shape), Object.fromEntries(query), "query");
}

export function page<T>(items: readonly T[], limit: number, offset: number) {
  return { items: items.slice(offset, offset + limit), total: items.length, limit, offset };
}

/** Parses a numeric `:id` path parameter; anything else can never match a record. */
export function numericId(raw: string | undefined): number | null {
  return raw !== undefined && /^\d{1,9}$/.test(raw) ? Number(raw) : null;
}
