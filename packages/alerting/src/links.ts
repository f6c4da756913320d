import { serializeViewState, viewStateSchema } from "@switchyard/contracts";

/**
 * Links into the web app. The dashboard's view state lives in the URL (packages/contracts dashboard.ts), so
 * a link built from it opens exactly the view the alert is about.
 */

export interface DashboardTarget {
  publicUrl: string;
  organizationSlug: string;
  /** null: the organization's overview (an alert on the whole organization or on an agent). */
  service: string | null;
  route?: string | null;
  version?: string | null;
  /** A fixed range around the incident once it is over; a live view while it is open. */
  from?: Date;
  to?: Date;
}

export function dashboardUrl(target: DashboardTarget): string {
  const state = viewStateSchema.parse({
    range: target.from && target.to ? "custom" : "1h",
    from: target.from?.toISOString(),
    to: target.to?.toISOString(),
    route: target.route ?? undefined,
    version: target.version ?? undefined,
  });
  const org = `${trimSlash(target.publicUrl)}/o/${encodeURIComponent(target.organizationSlug)}`;
  const path = target.service ? `${org}/services/${encodeURIComponent(target.service)}` : org;
  const query = serializeViewState(state).toString();
  return query ? `${path}?${query}` : path;
}

/** The Traffic page of a gateway group, where its canary is rolled back. */
export function trafficUrl(publicUrl: string, organizationSlug: string, groupId: string): string {
  return `${trimSlash(publicUrl)}/o/${encodeURIComponent(organizationSlug)}/traffic?group=${encodeURIComponent(groupId)}`;
}

export function alertsUrl(publicUrl: string, organizationSlug: string): string {
  return `${trimSlash(publicUrl)}/o/${encodeURIComponent(organizationSlug)}/alerts`;
}

function trimSlash(url: string) {
  return url.replace(/\/+$/, "");
}
