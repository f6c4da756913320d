import pg from "pg";
import { Redis } from "ioredis";

/** Where integration tests find their services. CI and developer machines run both on loopback. */
export const testServices = {
  postgresAdminUrl:
    process.env.TEST_DATABASE_URL ??
    process.env.DATABASE_URL ??
    "postgresql://postgres@127.0.0.1:5432/postgres",
  redisUrl: process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
};

export function databaseUrlFor(name: string): string {
  const url = new URL(testServices.postgresAdminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

const HOW_TO_START = {
  postgres:
    "start it (on this project's machines: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set TEST_DATABASE_URL",
  redis:
    'start it (redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no) or set TEST_REDIS_URL',
};

/** Fails with a message that says what is missing and how to get it; integration tests never skip. */
export async function assertServicesReachable(): Promise<void> {
  const client = new pg.Client({
    connectionString: testServices.postgresAdminUrl,
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    throw new Error(
      `Integration tests need PostgreSQL at ${testServices.postgresAdminUrl} but could not connect ` +
        `(${(error as Error).message}); ${HOW_TO_START.postgres}`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }

  const redis = new Redis(testServices.redisUrl, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `Integration tests need Redis at ${testServices.redisUrl} but could not connect ` +
        `(${(error as Error).message}); ${HOW_TO_START.redis}`,
    );
  } finally {
    redis.disconnect();
  }
}
