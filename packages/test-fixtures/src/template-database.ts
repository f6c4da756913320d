import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { applyMigrations, defaultMigrationsDir } from "@switchyard/db/migrate";
import { databaseUrlFor, testServices } from "./services";

/**
 * A database with every migration applied, named after the migrations' content so it is rebuilt only when
 * they change. Each test then copies it with CREATE DATABASE ... TEMPLATE, which takes milliseconds.
 */
export async function ensureTemplateDatabase(): Promise<string> {
  const name = `sy_template_${await migrationsFingerprint()}`;
  const admin = new pg.Client({ connectionString: testServices.postgresAdminUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (rowCount === 0) {
      const building = `${name}_building_${process.pid}`;
      await admin.query(`CREATE DATABASE "${building}"`);
      await applyMigrations(databaseUrlFor(building));
      // Renaming last means a half-built template is never picked up by a later run.
      await admin.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`).catch(async (error) => {
        await admin.query(`DROP DATABASE IF EXISTS "${building}"`);
        const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
        if (exists.rowCount === 0) throw error;
      });
    }
    return name;
  } finally {
    await admin.end();
  }
}

async function migrationsFingerprint(): Promise<string> {
  const hash = createHash("sha256");
  const names = (await readdir(defaultMigrationsDir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  for (const name of names) {
    hash.update(name);
    hash.update(await readFile(path.join(defaultMigrationsDir, name, "migration.sql")));
  }
  return hash.digest("hex").slice(0, 16);
}
