import { z } from "zod";
import type { Database } from "@switchyard/db";
import type { CanaryContext } from "./incident-context";
import { trafficUrl } from "./links";

/** Only the part of a stored gateway configuration this needs; the rest is validated when committed. */
const storedSplits = z.looseObject({
  services: z
    .record(
      z.string(),
      z.looseObject({
        split: z
          .looseObject({ stableVersion: z.string(), canaryVersion: z.string(), canaryPercent: z.number() })
          .optional(),
      }),
    )
    .default({}),
});

/**
 * The canary running on a service, if any: a traffic split with a share above 0 % in the latest revision
 * of one of the organization's gateway groups. The first group found wins (a service is normally served by
 * one group).
 */
export async function findRunningCanary(
  db: Database,
  target: { organizationId: string; organizationSlug: string; publicUrl: string; service: string },
): Promise<CanaryContext | null> {
  const groups = await db.gatewayGroup.findMany({
    where: { organizationId: target.organizationId },
    select: {
      id: true,
      name: true,
      revisions: { orderBy: { number: "desc" }, take: 1, select: { config: true } },
    },
    orderBy: { name: "asc" },
  });
  for (const group of groups) {
    const parsed = storedSplits.safeParse(group.revisions[0]?.config);
    const split = parsed.success ? parsed.data.services[target.service]?.split : undefined;
    if (!split || split.canaryPercent <= 0) continue;
    return {
      groupId: group.id,
      groupName: group.name,
      stableVersion: split.stableVersion,
      canaryVersion: split.canaryVersion,
      percent: split.canaryPercent,
      rollbackUrl: trafficUrl(target.publicUrl, target.organizationSlug, group.id),
    };
  }
  return null;
}
