import { applyMigrations } from "./migrate";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set. Example: postgresql://postgres@127.0.0.1:5432/switchyard");
  process.exit(2);
}
try {
  const { applied, alreadyApplied } = await applyMigrations(url);
  for (const name of applied) console.warn(`applied ${name}`);
  console.warn(`migrations: ${applied.length} applied, ${alreadyApplied.length} already in place`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
