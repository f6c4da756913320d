/**
 * CPU seconds used by each part of a benchmark (Linux /proc): process trees started by the bench and the
 * Postgres backends serving its scratch database. Sampled every second, because pooled backends end
 * during a run and take their counters with them; each process counts with the last value seen.
 */
import { readdirSync, readFileSync } from "node:fs";
import type pg from "pg";

const TICKS_PER_SECOND = 100;

interface ProcStat {
  ppid: number;
  ticks: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may hold spaces and parentheses: the fields follow the last ")".
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

function allStats(): Map<number, ProcStat> {
  const stats = new Map<number, ProcStat>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) stats.set(Number(entry), stat);
  }
  return stats;
}

function descendants(root: number, stats: Map<number, ProcStat>): number[] {
  const found = [root];
  for (let i = 0; i < found.length; i++)
    for (const [pid, stat] of stats) if (stat.ppid === found[i]) found.push(pid);
  return found.filter((pid) => stats.has(pid));
}

export class CpuSampler {
  private readonly last = new Map<string, Map<number, number>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly groups: () => Record<string, number[]>,
    private readonly pool: pg.Pool,
    private readonly database: string,
  ) {}

  start(): void {
    const baseline = this.snapshot();
    void baseline.then((first) => {
      // Only CPU used from now on counts: remember where every counter started.
      this.baselines = first;
      this.timer = setInterval(() => void this.snapshot().then((s) => this.merge(s)), 1000);
    });
  }

  private baselines = new Map<string, Map<number, number>>();

  private async snapshot(): Promise<Map<string, Map<number, number>>> {
    const stats = allStats();
    const result = new Map<string, Map<number, number>>();
    for (const [group, roots] of Object.entries(this.groups())) {
      const ticks = new Map<number, number>();
      for (const root of roots)
        for (const pid of descendants(root, stats)) ticks.set(pid, stats.get(pid)!.ticks);
      result.set(group, ticks);
    }
    const { rows } = await this.pool
      .query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1", [this.database])
      .catch(() => ({ rows: [] as Array<{ pid: number }> }));
    result.set("postgres", new Map(rows.map(({ pid }) => [pid, stats.get(pid)?.ticks ?? 0])));
    return result;
  }

  private merge(snapshot: Map<string, Map<number, number>>): void {
    for (const [group, ticks] of snapshot) {
      const seen = this.last.get(group) ?? new Map<number, number>();
      for (const [pid, value] of ticks) if (value > 0) seen.set(pid, value);
      this.last.set(group, seen);
    }
  }

  /** CPU seconds per group since start(). */
  async stop(): Promise<Record<string, number>> {
    clearInterval(this.timer);
    this.merge(await this.snapshot());
    const seconds: Record<string, number> = {};
    for (const [group, ticks] of this.last) {
      const base = this.baselines.get(group) ?? new Map<number, number>();
      let total = 0;
      for (const [pid, value] of ticks) total += value - (base.get(pid) ?? 0);
      seconds[group] = Math.round((total / TICKS_PER_SECOND) * 10) / 10;
    }
    return seconds;
  }
}
