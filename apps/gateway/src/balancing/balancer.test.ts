import { describe, expect, it } from "vitest";
import {
  createBalancer,
  fnv1a,
  IpHashBalancer,
  LeastConnectionsBalancer,
  PowerOfTwoChoicesBalancer,
  RoundRobinBalancer,
  SmoothWeightedBalancer,
  type PickRequest,
  type PoolMember,
} from "./balancer";

interface TestMember extends PoolMember {
  name: string;
  state: { inflight: number; latencyEwmaMs: number; up: boolean; isSelectable(now: number): boolean };
}

function member(name: string, weight = 1, inflight = 0, latencyEwmaMs = 0): TestMember {
  return {
    name,
    weight,
    hashSeed: fnv1a(name),
    state: {
      inflight,
      latencyEwmaMs,
      up: true,
      isSelectable() {
        return this.up;
      },
    },
  };
}

function request(overrides: Partial<PickRequest> = {}): PickRequest {
  return { now: 0, clientKey: "10.0.0.1", tried: null, ...overrides };
}

function picks(
  balancer: { pick(r: PickRequest): TestMember | undefined },
  count: number,
  r = request(),
): string {
  return Array.from({ length: count }, () => balancer.pick(r)?.name ?? "-").join("");
}

describe("balancers", () => {
  it("round robin cycles and skips unavailable targets", () => {
    const members = [member("a"), member("b"), member("c")];
    const balancer = new RoundRobinBalancer(members);
    expect(picks(balancer, 6)).toBe("abcabc");
    members[1]!.state.up = false;
    expect(picks(balancer, 4)).toBe("acac");
    expect(balancer.pick(request({ tried: [members[0]!, members[2]!] }))).toBeUndefined();
  });

  it("smooth weighted round robin interleaves by weight", () => {
    const balancer = new SmoothWeightedBalancer([member("a", 5), member("b", 1), member("c", 1)]);
    expect(picks(balancer, 7)).toBe("aabacaa");
    const field = new SmoothWeightedBalancer([member("v1a"), member("v1b"), member("v1c"), member("v2", 3)]);
    const counts = new Map<string, number>();
    for (let i = 0; i < 600; i++) {
      const name = field.pick(request())!.name;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    expect(counts.get("v2")).toBe(300);
    expect(counts.get("v1a")).toBe(100);
  });

  it("least connections picks the least loaded relative to weight", () => {
    const balancer = new LeastConnectionsBalancer([member("a", 1, 10), member("b", 1, 5), member("c", 1, 8)]);
    expect(balancer.pick(request())?.name).toBe("b");
    const weighted = new LeastConnectionsBalancer([member("a", 1, 3), member("b", 4, 8)]);
    expect(weighted.pick(request())?.name).toBe("b");
  });

  it("least connections spreads ties", () => {
    const balancer = new LeastConnectionsBalancer([member("a"), member("b")]);
    expect(picks(balancer, 4)).toBe("abab");
  });

  it("ip hash keeps a client on one target and only moves the clients of a target that left", () => {
    const members = [member("a"), member("b"), member("c")];
    const balancer = new IpHashBalancer(members);
    const clients = Array.from({ length: 300 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
    const before = clients.map((clientKey) => balancer.pick(request({ clientKey }))!.name);
    expect(clients.map((clientKey) => balancer.pick(request({ clientKey }))!.name)).toEqual(before);
    expect(new Set(before).size).toBe(3);
    members[1]!.state.up = false;
    const after = clients.map((clientKey) => balancer.pick(request({ clientKey }))!.name);
    after.forEach((name, i) => {
      if (before[i] !== "b") expect(name).toBe(before[i]);
      else expect(name).not.toBe("b");
    });
  });

  it("power of two choices prefers the faster, less loaded target", () => {
    const sequence = [0.1, 0.1];
    let index = 0;
    const balancer = new PowerOfTwoChoicesBalancer(
      [member("slow", 1, 0, 50), member("fast", 1, 0, 45)],
      () => sequence[index++ % sequence.length]!,
    );
    expect(balancer.pick(request())?.name).toBe("fast");
    const members = [member("a", 1, 0, 10), member("b", 1, 0, 10), member("c", 1, 0, 10)];
    members[0]!.state.up = false;
    members[1]!.state.up = false;
    expect(new PowerOfTwoChoicesBalancer(members, () => 0).pick(request())?.name).toBe("c");
  });

  it("leaves weight-0 targets out of every strategy", () => {
    for (const strategy of [
      "round_robin",
      "weighted_round_robin",
      "least_connections",
      "ip_hash",
      "p2c_latency",
    ] as const) {
      const balancer = createBalancer(strategy, [member("drained", 0), member("live", 1)]);
      expect(balancer.members.map((m) => m.name)).toEqual(["live"]);
      expect(picks(balancer, 3)).toBe("livelivelive");
    }
  });
});
