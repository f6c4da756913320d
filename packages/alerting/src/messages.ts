import type { AlertRule, Incident } from "@switchyard/db";
import { readIncidentContext } from "./incident-context";
import { alertsUrl, dashboardUrl } from "./links";
import type { Observation } from "./signals";
import { buildFiringMessage, buildResolvedMessage, type AlertMessageInput, type SlackMessage } from "./slack";

export interface LinkBase {
  publicUrl: string;
  organizationSlug: string;
}

type IncidentForMessage = Pick<
  Incident,
  "startedAt" | "resolvedAt" | "value" | "peakValue" | "threshold" | "context"
>;
type RuleForMessage = Pick<AlertRule, "name" | "severity" | "signal" | "comparison" | "windowSeconds">;

/** The dashboard view of an incident: live while open, the incident's own time span once resolved. */
export function incidentDashboardUrl(
  links: LinkBase,
  observation: Pick<Observation, "scope">,
  resolved?: { startedAt: Date; resolvedAt: Date },
): string {
  return dashboardUrl({
    ...links,
    service: observation.scope.service,
    route: observation.scope.route,
    version: observation.scope.version,
    ...(resolved && {
      from: new Date(resolved.startedAt.getTime() - 10 * 60_000),
      to: new Date(resolved.resolvedAt.getTime() + 5 * 60_000),
    }),
  });
}

function messageInput(
  rule: RuleForMessage,
  incident: IncidentForMessage,
  observation: Pick<Observation, "scope" | "agent">,
  links: LinkBase,
): AlertMessageInput {
  const context = readIncidentContext(incident.context);
  return {
    ruleName: rule.name,
    severity: rule.severity,
    signal: rule.signal,
    comparison: rule.comparison,
    threshold: incident.threshold,
    value: incident.value,
    peakValue: incident.peakValue,
    windowSeconds: rule.windowSeconds,
    service: observation.scope.service,
    route: observation.scope.route,
    version: observation.scope.version,
    agent: observation.agent,
    since: incident.startedAt,
    resolvedAt: incident.resolvedAt ?? undefined,
    dashboardUrl: context.dashboardUrl ?? incidentDashboardUrl(links, observation),
    alertsUrl: alertsUrl(links.publicUrl, links.organizationSlug),
    canary: context.canary,
  };
}

export function firingMessage(
  rule: RuleForMessage,
  incident: IncidentForMessage,
  observation: Pick<Observation, "scope" | "agent">,
  links: LinkBase,
  now: Date,
): SlackMessage {
  return buildFiringMessage(messageInput(rule, incident, observation, links), now);
}

export function resolvedMessage(
  rule: RuleForMessage,
  incident: IncidentForMessage & { resolvedAt: Date },
  observation: Pick<Observation, "scope" | "agent">,
  links: LinkBase,
): SlackMessage {
  const input = messageInput(rule, incident, observation, links);
  return buildResolvedMessage({ ...input, dashboardUrl: incidentDashboardUrl(links, observation, incident) });
}
