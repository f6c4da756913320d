/** Which traffic an incident is about and which a silence covers (null = any). */
export interface Scope {
  service: string | null;
  route: string | null;
  version: string | null;
}

export interface SilenceLike extends Scope {
  ruleId: string | null;
  startsAt: Date;
  endsAt: Date;
}

/**
 * A silence holds an incident's notifications back when it is active, names the incident's rule (or no
 * rule), and each scope field it sets equals the incident's. A silence narrower than the incident (a route
 * when the rule covers every route) does not hold it back: it would also mute traffic it does not name.
 */
export function silences(silence: SilenceLike, incident: Scope & { ruleId: string }, now: Date): boolean {
  if (now < silence.startsAt || now >= silence.endsAt) return false;
  if (silence.ruleId !== null && silence.ruleId !== incident.ruleId) return false;
  return (["service", "route", "version"] as const).every(
    (field) => silence[field] === null || silence[field] === incident[field],
  );
}
