import type { Pool, PoolClient } from "pg";

const DAY_MS = 86_400_000;

export function dayStartMs(timeMs: number): number {
  return Math.floor(timeMs / DAY_MS) * DAY_MS;
}

export function partitionName(dayMs: number): string {
  return `telemetry_span_${new Date(dayMs).toISOString().slice(0, 10).replaceAll("-", "")}`;
}

// Two sessions creating the same partition at once: the loser gets "already exists", or, when both passed
// the IF NOT EXISTS check, a unique violation on the catalog's type name.
const ALREADY_CREATED = new Set(["42P07", "23505"]);

/**
 * Creates the day partitions of telemetry_span that hold `daysMs`, remembering which exist so the hot
 * path asks Postgres only once per day per process. Two processes creating the same partition race
 * harmlessly: the loser sees "already exists".
 */
export class SpanPartitions {
  private readonly known = new Set<number>();

  constructor(private readonly pool: Pool) {}

  async ensure(daysMs: Iterable<number>): Promise<void> {
    for (const dayMs of daysMs) {
      if (this.known.has(dayMs)) continue;
      await createPartition(this.pool, dayMs);
      this.known.add(dayMs);
    }
  }

  forget(dayMs: number): void {
    this.known.delete(dayMs);
  }
}

export async function createPartition(db: Pool | PoolClient, dayMs: number): Promise<void> {
  const from = new Date(dayMs).toISOString();
  const to = new Date(dayMs + DAY_MS).toISOString();
  try {
    await db.query(
      `CREATE TABLE IF NOT EXISTS ${partitionName(dayMs)} PARTITION OF telemetry_span
       FOR VALUES FROM ('${from}') TO ('${to}')`,
    );
  } catch (error) {
    if (!ALREADY_CREATED.has((error as { code?: string }).code ?? "")) throw error;
  }
}
