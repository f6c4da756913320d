import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createDb, type Database } from "@switchyard/db";
import { databaseUrlFor, testServices } from "./services";

// The global setup builds the template database and hands its name to every test file.
declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  db: Database;
  drop(): Promise<void>;
}

/** A fresh, fully migrated database of its own for one test file or test. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `sy_test_${randomBytes(6).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${name}" TEMPLATE "${inject("templateDatabase")}"`);
  const url = databaseUrlFor(name);
  const db = createDb(url, { poolSize: 4 });
  return {
    name,
    url,
    db,
    async drop() {
      await db.$disconnect();
      // pg's Pool.end() resolves before its sockets have closed; a FORCE drop that overtakes them fails
      // those connections, which surfaces as an uncaught error in the test file. Let them leave first.
      await waitForSessionsToLeave(name, 2_000);
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

async function adminQuery(sql: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const admin = new pg.Client({ connectionString: testServices.postgresAdminUrl });
  await admin.connect();
  try {
    return await admin.query(sql, values);
  } finally {
    await admin.end();
  }
}

async function waitForSessionsToLeave(database: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rows } = await adminQuery("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1", [
      database,
    ]);
    if ((rows[0] as { n: number }).n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
