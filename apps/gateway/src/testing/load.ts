import { Pool } from "undici";

export interface LoadOptions {
  origin: string;
  path: string;
  method?: "GET" | "POST" | "PUT" | "DELETE";
  headers?: Record<string, string>;
  concurrency: number;
  /** The loop stops at whichever limit comes first; both are required so it always ends. */
  maxRequests: number;
  maxDurationMs: number;
}

export interface LoadResult {
  sent: number;
  byStatus: Map<number, number>;
  /** Network errors seen by the client (never expected through a healthy gateway). */
  clientErrors: string[];
  byServedBy: Map<string, number>;
  durationMs: number;
}

/** A bounded closed-loop load generator against 127.0.0.1. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(options.origin, { connections: options.concurrency, pipelining: 1 });
  const result: LoadResult = {
    sent: 0,
    byStatus: new Map(),
    clientErrors: [],
    byServedBy: new Map(),
    durationMs: 0,
  };
  const startedAt = Date.now();
  const deadline = startedAt + options.maxDurationMs;
  const worker = async () => {
    while (result.sent < options.maxRequests && Date.now() < deadline) {
      result.sent++;
      try {
        const response = await pool.request({
          path: options.path,
          method: options.method ?? "GET",
          headers: options.headers,
        });
        await response.body.dump();
        result.byStatus.set(response.statusCode, (result.byStatus.get(response.statusCode) ?? 0) + 1);
        const servedBy = response.headers["x-served-by"];
        if (typeof servedBy === "string")
          result.byServedBy.set(servedBy, (result.byServedBy.get(servedBy) ?? 0) + 1);
      } catch (error) {
        result.clientErrors.push((error as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  result.durationMs = Date.now() - startedAt;
  await pool.close();
  return result;
}

export function countOf(map: Map<number, number>, predicate: (status: number) => boolean): number {
  let total = 0;
  for (const [status, count] of map) if (predicate(status)) total += count;
  return total;
}
