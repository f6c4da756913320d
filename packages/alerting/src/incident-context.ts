import { z } from "zod";

/**
 * What an incident remembers about its surroundings when it fires (Incident.context): the canary running
 * on its service, if any, and the links its messages carry. The Alerts page reads the same shape.
 */
export const canaryContextSchema = z.object({
  groupId: z.string(),
  groupName: z.string(),
  stableVersion: z.string(),
  canaryVersion: z.string(),
  /** Share of traffic on the canary, 0-100. */
  percent: z.number(),
  /** The group's Traffic page, where the canary is rolled back. */
  rollbackUrl: z.string(),
});
export type CanaryContext = z.infer<typeof canaryContextSchema>;

export const incidentContextSchema = z.object({
  canary: canaryContextSchema.nullable().default(null),
  dashboardUrl: z.string().optional(),
});
export type IncidentContext = z.infer<typeof incidentContextSchema>;

/** Incident.context as stored; anything unreadable is treated as "no context" rather than failing a page. */
export function readIncidentContext(raw: unknown): IncidentContext {
  const parsed = incidentContextSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : { canary: null };
}
