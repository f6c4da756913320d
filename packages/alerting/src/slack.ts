import type { ActionsBlock, Button, ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from "@slack/types";
import type { AlertSignal } from "@switchyard/contracts";
import { formatDuration, formatSignalValue, signalLabels } from "./format";
import type { CanaryContext } from "./incident-context";

/** The JSON body of an incoming-webhook post: `text` is the notification / fallback, `blocks` the message. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

export type AlertSeverity = "CRITICAL" | "WARNING" | "INFO";

export interface AlertMessageInput {
  ruleName: string;
  severity: AlertSeverity;
  signal: AlertSignal;
  comparison: "ABOVE" | "BELOW";
  threshold: number;
  /** The value that fired (firing) or the latest one (resolved). */
  value: number;
  /** The worst value while open, for the resolved message. */
  peakValue?: number;
  windowSeconds: number;
  /** What it is about; `agent` for agent signals. */
  service: string | null;
  route: string | null;
  version: string | null;
  agent?: string | null;
  /** When the condition started holding. */
  since: Date;
  /** When it cleared (resolved messages). */
  resolvedAt?: Date;
  dashboardUrl: string;
  alertsUrl: string;
  canary: CanaryContext | null;
}

const severityMarks: Record<AlertSeverity, string> = {
  CRITICAL: ":red_circle: Critical",
  WARNING: ":large_orange_circle: Warning",
  INFO: ":large_blue_circle: Info",
};

function subjectOf(input: AlertMessageInput): string {
  if (input.agent) return `agent ${input.agent}`;
  const parts = [input.service ?? "all services", input.route, input.version && `version ${input.version}`];
  return parts.filter(Boolean).join(" · ");
}

function thresholdText(input: AlertMessageInput): string {
  const comparison = input.comparison === "ABOVE" ? ">" : "<";
  return `${comparison} ${formatSignalValue(input.signal, input.threshold)}`;
}

function button(text: string, url: string, actionId: string, style?: "primary" | "danger"): Button {
  return {
    type: "button",
    text: { type: "plain_text", text },
    url,
    action_id: actionId,
    ...(style && { style }),
  };
}

function header(text: string): HeaderBlock {
  // Slack caps header text at 150 characters.
  return { type: "header", text: { type: "plain_text", text: text.slice(0, 150), emoji: true } };
}

function fields(pairs: Array<[string, string]>): SectionBlock {
  return {
    type: "section",
    fields: pairs.map(([label, value]) => ({ type: "mrkdwn", text: `*${label}*\n${value}` })),
  };
}

function scopeFields(input: AlertMessageInput): Array<[string, string]> {
  if (input.agent) return [["Agent", input.agent]];
  return [
    ["Service", input.service ?? "all services"],
    ["Route", input.route ?? "all routes"],
    ["Version", input.version ?? "all versions"],
  ];
}

function canaryBlocks(canary: CanaryContext | null): KnownBlock[] {
  if (!canary) return [];
  return [
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text:
          `:twisted_rightwards_arrows: *A canary is running on this service* (group ${canary.groupName}): ` +
          `*${canary.canaryVersion}* takes ${canary.percent} % of traffic, *${canary.stableVersion}* the rest. ` +
          `If the canary is the cause, roll it back on the Traffic page.`,
      },
    },
  ];
}

function timestamp(date: Date): string {
  // Slack renders <!date^…> in the reader's time zone; the text after | is the fallback.
  const seconds = Math.floor(date.getTime() / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time_secs}|${date.toISOString()}>`;
}

export function buildFiringMessage(input: AlertMessageInput, now: Date = new Date()): SlackMessage {
  const label = signalLabels[input.signal];
  const value = formatSignalValue(input.signal, input.value);
  const text = `${input.severity === "CRITICAL" ? "Critical" : input.severity === "WARNING" ? "Warning" : "Info"}: ${input.ruleName} — ${label.toLowerCase()} ${value} (${thresholdText(input)}) on ${subjectOf(input)}`;
  const actions: ActionsBlock = {
    type: "actions",
    elements: [
      button("Open dashboard", input.dashboardUrl, "open_dashboard", "primary"),
      button("Alerts", input.alertsUrl, "open_alerts"),
      ...(input.canary
        ? [button("Roll back canary", input.canary.rollbackUrl, "rollback_canary", "danger")]
        : []),
    ],
  };
  const context: ContextBlock = {
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text: `${severityMarks[input.severity]} · firing since ${timestamp(input.since)} (${formatDuration(now.getTime() - input.since.getTime())}) · window ${formatDuration(input.windowSeconds * 1000)}`,
      },
    ],
  };
  return {
    text,
    blocks: [
      header(
        `${input.severity === "CRITICAL" ? "🔴" : input.severity === "WARNING" ? "🟠" : "🔵"} ${input.ruleName}`,
      ),
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `*${label}* is *${value}*, threshold ${thresholdText(input)}, on ${subjectOf(input)}.`,
        },
      },
      fields([...scopeFields(input), ["Value", value], ["Threshold", thresholdText(input)]]),
      ...canaryBlocks(input.canary),
      context,
      actions,
    ],
  };
}

export function buildResolvedMessage(input: AlertMessageInput): SlackMessage {
  const label = signalLabels[input.signal];
  const resolvedAt = input.resolvedAt ?? new Date();
  const lasted = formatDuration(resolvedAt.getTime() - input.since.getTime());
  const value = formatSignalValue(input.signal, input.value);
  const peak = input.peakValue === undefined ? null : formatSignalValue(input.signal, input.peakValue);
  return {
    text: `Resolved: ${input.ruleName} on ${subjectOf(input)} after ${lasted} (${label.toLowerCase()} now ${value})`,
    blocks: [
      header(`✅ Resolved: ${input.ruleName}`),
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `*${label}* is back to *${value}* (threshold ${thresholdText(input)}) on ${subjectOf(input)}. It lasted ${lasted}${peak ? `; worst ${peak}` : ""}.`,
        },
      },
      fields(scopeFields(input)),
      {
        type: "context",
        elements: [{ type: "mrkdwn", text: `From ${timestamp(input.since)} to ${timestamp(resolvedAt)}` }],
      },
      { type: "actions", elements: [button("Open dashboard", input.dashboardUrl, "open_dashboard")] },
    ],
  };
}

export function buildTestMessage(input: {
  channelName: string;
  organizationName: string;
  alertsUrl: string;
}): SlackMessage {
  return {
    text: `Test message from Switchyard: channel "${input.channelName}" of ${input.organizationName} works.`,
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `:white_check_mark: *Switchyard test message.* Alerts of *${input.organizationName}* routed to the channel *${input.channelName}* will arrive here.`,
        },
      },
      { type: "actions", elements: [button("Alerts", input.alertsUrl, "open_alerts")] },
    ],
  };
}

export interface SlackResponse {
  ok: boolean;
  /** The HTTP status; 0 when no answer came (network error, timeout). */
  status: number;
  /** Slack's answer ("ok", "invalid_token", "no_service", …) or the network error. */
  body: string;
  /** From Retry-After on a 429 (seconds or an HTTP date), else null. */
  retryAfterMs: number | null;
}

export function parseRetryAfter(header: string | null, now: number = Date.now()): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

const MAX_BODY_CHARS = 2_000;

/** Posts a message to an incoming webhook. Never throws: a network error or timeout is status 0. */
export async function sendSlackMessage(
  url: string,
  message: SlackMessage,
  options: { timeoutMs?: number } = {},
): Promise<SlackResponse> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify(message),
      redirect: "error",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.text()).slice(0, MAX_BODY_CHARS);
    return {
      ok: response.ok,
      status: response.status,
      body,
      retryAfterMs: response.status === 429 ? parseRetryAfter(response.headers.get("retry-after")) : null,
    };
  } catch (error) {
    const reason =
      error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")
        ? `no answer within ${timeoutMs} ms`
        : describeNetworkError(error);
    return { ok: false, status: 0, body: reason, retryAfterMs: null };
  }
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ? `${error.message}: ${cause.code}` : (cause?.message ?? error.message);
}
