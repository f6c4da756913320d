import type { SlackResponse } from "./slack";

/**
 * What to do after one delivery attempt. 429 waits exactly as long as Retry-After says; 5xx and network
 * errors back off exponentially with jitter (so a receiver that comes back is not hit by every retry at
 * once); any other 4xx will not get better by retrying (a revoked webhook answers 403/404) and fails for good.
 */
export type DeliveryOutcome =
  { kind: "sent" } | { kind: "retry"; delayMs: number; reason: string } | { kind: "failed"; reason: string };

/** Attempts for 5xx and network errors: 1 + 2 + … + 64 s of backoff, about 2 minutes in all. */
export const MAX_ERROR_ATTEMPTS = 8;
/** 429s come with the receiver's own pacing, so they may take more attempts, but not forever. */
export const MAX_RATE_LIMITED_ATTEMPTS = 20;
export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_MAX_MS = 5 * 60_000;

/** Exponential backoff with "equal jitter": half the step fixed, half random, so it still grows. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const step = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

function describe(response: SlackResponse): string {
  const body = response.body.trim().slice(0, 200);
  return response.status === 0 ? body : `HTTP ${response.status}${body ? `: ${body}` : ""}`;
}

/** `attempt` is the attempt that produced `response`, starting at 1. */
export function decideDelivery(
  response: SlackResponse,
  attempt: number,
  random: () => number = Math.random,
): DeliveryOutcome {
  if (response.ok) return { kind: "sent" };
  const reason = describe(response);
  if (response.status === 429) {
    if (attempt >= MAX_RATE_LIMITED_ATTEMPTS)
      return { kind: "failed", reason: `${reason} (gave up after ${attempt} attempts)` };
    return { kind: "retry", delayMs: response.retryAfterMs ?? backoffMs(attempt, random), reason };
  }
  if (response.status === 0 || response.status >= 500) {
    if (attempt >= MAX_ERROR_ATTEMPTS)
      return { kind: "failed", reason: `${reason} (gave up after ${attempt} attempts)` };
    return { kind: "retry", delayMs: backoffMs(attempt, random), reason };
  }
  return { kind: "failed", reason };
}
