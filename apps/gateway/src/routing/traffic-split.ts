import { type TrafficSplit } from "@switchyard/contracts";
import { findHeader } from "../proxy/raw-headers";

export const SPLIT_CANARY = 1;
/** The header override chose the side: no fallback to the other side, no sticky cookie. */
export const SPLIT_FORCED = 2;
/** The client's sticky cookie chose the side, so it needs no new cookie. */
export const SPLIT_FROM_COOKIE = 4;

/**
 * Decides stable or canary for one request of a split service:
 * 1. the override header (`x-canary: true`) always sends it to the canary;
 * 2. a sticky cookie naming one side keeps the client there, as long as that side still gets
 *    traffic (a cookie for the canary is ignored once the canary is at 0%);
 * 3. otherwise a random draw against `canaryPercent`.
 * The result is a bit set (see the SPLIT_ constants) so the hot path allocates nothing.
 */
export class TrafficSplitter {
  private readonly cookieNeedle: string | null;
  /** `Set-Cookie` values for the stable and canary side, built once. */
  readonly setCookie: readonly [string, string] | null;

  constructor(
    readonly split: TrafficSplit,
    private readonly random: () => number = Math.random,
  ) {
    const sticky = split.stickyCookie;
    this.cookieNeedle = sticky ? `${sticky.name}=` : null;
    this.setCookie = sticky
      ? [
          cookieFor(sticky.name, split.stableVersion, sticky.ttlSeconds),
          cookieFor(sticky.name, split.canaryVersion, sticky.ttlSeconds),
        ]
      : null;
  }

  decide(rawHeaders: readonly string[], cookieHeader: string | undefined): number {
    const override = findHeader(rawHeaders, this.split.headerOverride.name);
    if (
      override !== undefined &&
      override.trim().toLowerCase() === this.split.headerOverride.value.toLowerCase()
    ) {
      return SPLIT_CANARY | SPLIT_FORCED;
    }
    if (this.cookieNeedle !== null && cookieHeader !== undefined) {
      const version = readCookie(cookieHeader, this.cookieNeedle);
      if (version === this.split.canaryVersion && this.split.canaryPercent > 0)
        return SPLIT_CANARY | SPLIT_FROM_COOKIE;
      if (version === this.split.stableVersion && this.split.canaryPercent < 100) return SPLIT_FROM_COOKIE;
    }
    return this.random() * 100 < this.split.canaryPercent ? SPLIT_CANARY : 0;
  }
}

function cookieFor(name: string, version: string, ttlSeconds: number): string {
  return `${name}=${version}; Path=/; Max-Age=${ttlSeconds}; HttpOnly; SameSite=Lax`;
}

/** Value of the cookie whose `name=` is `needle`, matched at a cookie boundary. */
export function readCookie(header: string, needle: string): string | undefined {
  let from = 0;
  for (;;) {
    const at = header.indexOf(needle, from);
    if (at < 0) return undefined;
    const before = at === 0 ? 59 /* ";" */ : header.charCodeAt(at - 1);
    if (before === 59 || before === 32 || before === 9) {
      const start = at + needle.length;
      const end = header.indexOf(";", start);
      return (end < 0 ? header.slice(start) : header.slice(start, end)).trim();
    }
    from = at + needle.length;
  }
}
