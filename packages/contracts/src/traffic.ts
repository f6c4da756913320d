import { z } from "zod";
import { rateLimitKeyFieldsSchema, rateLimitNumberShape } from "./rate-limit-fields";

/** Inputs of the control plane's traffic API: revisions of a gateway group and the changes made to them. */

const idSchema = z.string().trim().min(1, "Required").max(64, "Too long");
const revisionNumberSchema = z.number().int().positive();

export const groupInput = z.object({ groupId: idSchema });

export const listRevisionsInput = z.object({
  groupId: idSchema,
  limit: z.number().int().min(1).max(100).default(20),
});

export const revisionDiffInput = z.object({
  groupId: idSchema,
  from: revisionNumberSchema,
  to: revisionNumberSchema,
});

/** Every change names the revision it was made on, so a stale edit is refused instead of overwriting. */
const changeBase = {
  groupId: idSchema,
  baseNumber: revisionNumberSchema.nullable(),
  message: z.string().trim().max(500, "Use at most 500 characters").optional(),
};

export const commitConfigInput = z.object({ ...changeBase, config: z.record(z.string(), z.unknown()) });

export const revertInput = z.object({ ...changeBase, toNumber: revisionNumberSchema });

export const setCanaryInput = z.object({
  ...changeBase,
  serviceId: idSchema,
  canaryPercent: z.number().int("Use a whole percentage").min(0, "At least 0").max(100, "At most 100"),
});

export const setWeightsInput = z.object({
  ...changeBase,
  serviceId: idSchema,
  weights: z.record(
    idSchema,
    z.number().int("Use whole numbers").min(0, "At least 0").max(1000, "At most 1000"),
  ),
});

/** Sets a route's whole rate limit, every field named, so nothing is left half-applied. */
export const setRateLimitInput = z
  .object({ ...changeBase, routeId: idSchema, ...rateLimitNumberShape })
  .and(rateLimitKeyFieldsSchema);

export const removeRateLimitInput = z.object({ ...changeBase, routeId: idSchema });
