import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";

export type Database = PrismaClient;

/** A Prisma client on the pg driver adapter. Prefer `getDb()`; tests create their own per database. */
export function createDb(databaseUrl: string, options: { poolSize?: number } = {}): Database {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.poolSize ?? 10 });
  return new PrismaClient({ adapter });
}

// Next.js re-evaluates modules on every hot reload in development; keeping the client on globalThis
// keeps it to one pool per process instead of one per reload.
const globalForDb = globalThis as unknown as { switchyardDb?: Database };

/** The process-wide client for DATABASE_URL. */
export function getDb(): Database {
  if (!globalForDb.switchyardDb) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: the database client needs it");
    globalForDb.switchyardDb = createDb(url);
  }
  return globalForDb.switchyardDb;
}
