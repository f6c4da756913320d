import { Redis } from "ioredis";

export type RedisRole = "producer" | "worker";

export interface RedisConnectionOptions {
  /** Shown by CLIENT LIST; defaults to `switchyard-<role>`. */
  connectionName?: string;
  /** Connection errors (refused, reset); ioredis keeps reconnecting in the background either way. */
  onError?: (error: Error) => void;
}

/**
 * A Redis connection for one role; give producers and workers separate connections.
 *
 * - worker: BullMQ's blocking commands need `maxRetriesPerRequest: null`, so commands wait through a Redis
 *   restart instead of failing the job.
 * - producer: a web request that enqueues must not hang while Redis is down. `enableOfflineQueue: false`
 *   rejects a command at once when there is no connection, instead of buffering it until Redis returns;
 *   `maxRetriesPerRequest: 1` bounds a command caught by a dropped connection. The producer also waits at
 *   most `connectTimeout` for the first connection (see createJobProducer).
 */
export function createRedisConnection(
  url: string,
  role: RedisRole,
  options: RedisConnectionOptions = {},
): Redis {
  const connection =
    role === "worker"
      ? new Redis(url, {
          connectionName: options.connectionName ?? "switchyard-worker",
          maxRetriesPerRequest: null,
        })
      : new Redis(url, {
          connectionName: options.connectionName ?? "switchyard-producer",
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          connectTimeout: 2_000,
        });
  if (options.onError) connection.on("error", options.onError);
  return connection;
}

/** Where a connection points, without credentials, for error messages. */
export function describeRedisTarget(connection: Redis): string {
  const { host, port, db, path } = connection.options;
  if (path) return `redis+unix://${path}`;
  return `redis://${host}:${port}${db ? `/${db}` : ""}`;
}

/** Closes a connection whatever state it is in: QUIT when connected, a plain disconnect otherwise. */
export async function closeRedisConnection(connection: Redis): Promise<void> {
  if (connection.status === "end") return;
  if (connection.status !== "ready") {
    connection.disconnect();
    return;
  }
  await connection.quit().catch(() => connection.disconnect());
}
