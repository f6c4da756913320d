import { type BalancingStrategy } from "@switchyard/contracts";

/** The view of a target a balancer needs: its configured weight and its live state. */
export interface PoolMember {
  readonly weight: number;
  /** Fixed per target id, so IP hashing keeps a client on the same target across revisions. */
  readonly hashSeed: number;
  readonly state: {
    readonly inflight: number;
    readonly latencyEwmaMs: number;
    isSelectable(now: number): boolean;
  };
}

/** Per-request input; the proxy exchange itself implements it to avoid an allocation. */
export interface PickRequest {
  readonly now: number;
  /** Client address (or configured key) for IP hashing. */
  readonly clientKey: string;
  /** Targets already tried by this request: a retry goes to another one. */
  readonly tried: readonly PoolMember[] | null;
}

export interface Balancer<T extends PoolMember> {
  readonly members: readonly T[];
  pick(request: PickRequest): T | undefined;
}

export function isUsable(member: PoolMember, request: PickRequest): boolean {
  return (
    member.state.isSelectable(request.now) && (request.tried === null || !request.tried.includes(member))
  );
}

export class RoundRobinBalancer<T extends PoolMember> implements Balancer<T> {
  private next = 0;
  constructor(readonly members: readonly T[]) {}

  pick(request: PickRequest): T | undefined {
    const count = this.members.length;
    for (let scanned = 0; scanned < count; scanned++) {
      const member = this.members[this.next]!;
      this.next = this.next + 1 === count ? 0 : this.next + 1;
      if (isUsable(member, request)) return member;
    }
    return undefined;
  }
}

/**
 * Smooth weighted round robin (nginx): weights 5/1/1 give a a b a c a a rather than a a a a a b c, so
 * a heavy target never receives a long run of consecutive requests.
 */
export class SmoothWeightedBalancer<T extends PoolMember> implements Balancer<T> {
  private readonly current: Float64Array;
  constructor(readonly members: readonly T[]) {
    this.current = new Float64Array(members.length);
  }

  pick(request: PickRequest): T | undefined {
    let total = 0;
    let best = -1;
    for (let i = 0; i < this.members.length; i++) {
      const member = this.members[i]!;
      if (!isUsable(member, request)) continue;
      this.current[i]! += member.weight;
      total += member.weight;
      if (best < 0 || this.current[i]! > this.current[best]!) best = i;
    }
    if (best < 0) return undefined;
    this.current[best]! -= total;
    return this.members[best];
  }
}

/** Fewest requests in flight relative to weight; ties go round the table so equal targets share load. */
export class LeastConnectionsBalancer<T extends PoolMember> implements Balancer<T> {
  private offset = 0;
  constructor(readonly members: readonly T[]) {}

  pick(request: PickRequest): T | undefined {
    const count = this.members.length;
    let best: T | undefined;
    let bestScore = Infinity;
    for (let scanned = 0; scanned < count; scanned++) {
      const member = this.members[(this.offset + scanned) % count]!;
      if (!isUsable(member, request)) continue;
      const score = member.state.inflight / member.weight;
      if (score < bestScore) {
        best = member;
        bestScore = score;
      }
    }
    this.offset = this.offset + 1 === count ? 0 : this.offset + 1;
    return best;
  }
}

/**
 * Weighted rendezvous hashing on the client key: the same client lands on the same target, and when
 * a target leaves only its own clients move.
 */
export class IpHashBalancer<T extends PoolMember> implements Balancer<T> {
  constructor(readonly members: readonly T[]) {}

  pick(request: PickRequest): T | undefined {
    const keyHash = fnv1a(request.clientKey);
    let best: T | undefined;
    let bestScore = -Infinity;
    for (const member of this.members) {
      if (!isUsable(member, request)) continue;
      const unit = (mix32(keyHash ^ member.hashSeed) + 0.5) / 4294967296;
      const score = -member.weight / Math.log(unit);
      if (score > bestScore) {
        best = member;
        bestScore = score;
      }
    }
    return best;
  }
}

/**
 * Power of two choices: two random targets, keep the one with the lower latency EWMA times load.
 * Avoids the herd that "always the fastest" causes while still steering away from a slow target.
 */
export class PowerOfTwoChoicesBalancer<T extends PoolMember> implements Balancer<T> {
  constructor(
    readonly members: readonly T[],
    private readonly random: () => number = Math.random,
  ) {}

  pick(request: PickRequest): T | undefined {
    const count = this.members.length;
    if (count === 0) return undefined;
    if (count === 1) return isUsable(this.members[0]!, request) ? this.members[0] : undefined;
    const first = Math.floor(this.random() * count);
    const second = (first + 1 + Math.floor(this.random() * (count - 1))) % count;
    const a = this.members[first]!;
    const b = this.members[second]!;
    const aUsable = isUsable(a, request);
    const bUsable = isUsable(b, request);
    if (aUsable && bUsable) return cost(a) <= cost(b) ? a : b;
    if (aUsable) return a;
    if (bUsable) return b;
    let best: T | undefined;
    for (const member of this.members) {
      if (isUsable(member, request) && (best === undefined || cost(member) < cost(best))) best = member;
    }
    return best;
  }
}

function cost(member: PoolMember): number {
  return ((member.state.latencyEwmaMs + 1) * (member.state.inflight + 1)) / member.weight;
}

export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A 32-bit finaliser (murmur3 fmix32) so neighbouring inputs give unrelated outputs. */
export function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Members with weight 0 are drained: they are left out of the balancer entirely. */
export function createBalancer<T extends PoolMember>(
  strategy: BalancingStrategy,
  members: readonly T[],
): Balancer<T> {
  const active = members.filter((member) => member.weight > 0);
  switch (strategy) {
    case "round_robin":
      return new RoundRobinBalancer(active);
    case "weighted_round_robin":
      return new SmoothWeightedBalancer(active);
    case "least_connections":
      return new LeastConnectionsBalancer(active);
    case "ip_hash":
      return new IpHashBalancer(active);
    case "p2c_latency":
      return new PowerOfTwoChoicesBalancer(active);
  }
}
