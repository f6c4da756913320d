import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import internals from "@prisma/internals";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, defaultMigrationsDir } from "./migrate";

/**
 * schema.prisma is what the client is generated from; prisma/migrations is what databases are built from.
 * Both are written by hand here (Prisma's schema engine cannot run on every machine), so this test is what
 * keeps them in step: it migrates an empty database and compares it with the schema, object by object.
 */

type DMMF = Awaited<ReturnType<typeof internals.getDMMF>>;
type Model = DMMF["datamodel"]["models"][number];

const adminUrl =
  process.env.TEST_DATABASE_URL ??
  process.env.DATABASE_URL ??
  "postgresql://postgres@127.0.0.1:5432/postgres";
const dbName = `sy_drift_${randomBytes(5).toString("hex")}`;
const dbUrl = Object.assign(new URL(adminUrl), { pathname: `/${dbName}` }).toString();

// Tables created only by raw SQL in migrations are listed here with the reason they exist.
// The telemetry tables are written and read over pg by @switchyard/telemetry-store (range-partitioned spans,
// bulk unnest inserts, array columns with ON CONFLICT increments), which Prisma cannot model well.
const TABLES_OUTSIDE_PRISMA = new Set([
  "_prisma_migrations",
  "telemetry_span",
  "telemetry_rollup",
  "telemetry_edge",
  "telemetry_rollup_hour",
  "telemetry_rollup_10s",
  "telemetry_edge_hour",
  "telemetry_series_state",
  "telemetry_batch",
  "telemetry_graph_pending",
]);

const SCALAR_TO_PG: Record<string, string> = {
  String: "text",
  Int: "integer",
  BigInt: "bigint",
  Float: "double precision",
  Boolean: "boolean",
  DateTime: "timestamp(3) without time zone",
  Json: "jsonb",
  Bytes: "bytea",
  Decimal: "numeric(65,30)",
};

const NATIVE_TO_PG: Record<string, (args: string[]) => string> = {
  Text: () => "text",
  VarChar: (a) => `character varying(${a[0]})`,
  Uuid: () => "uuid",
  Timestamptz: (a) => `timestamp(${a[0] ?? 6}) with time zone`,
  Timestamp: (a) => `timestamp(${a[0] ?? 6}) without time zone`,
  DoublePrecision: () => "double precision",
  Real: () => "real",
  SmallInt: () => "smallint",
  Integer: () => "integer",
  BigInt: () => "bigint",
  Inet: () => "inet",
};

// Defaults that Prisma Client fills in itself, so the column has none in the database.
const CLIENT_SIDE_DEFAULTS = new Set(["cuid", "uuid", "nanoid", "ulid"]);

const ON_DELETE: Record<string, string> = {
  Cascade: "c",
  Restrict: "r",
  NoAction: "a",
  SetNull: "n",
  SetDefault: "d",
};

let client: pg.Client;
let dmmf: DMMF;

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  await admin.end();
  await applyMigrations(dbUrl);
  client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  const schemaPath = path.resolve(defaultMigrationsDir, "../schema.prisma");
  dmmf = await internals.getDMMF({ datamodel: await readFile(schemaPath, "utf8") });
});

afterAll(async () => {
  await client?.end();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await admin.end();
});

const tableOf = (model: Model) => model.dbName ?? model.name;

async function rows<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await client.query<T>(sql, params)).rows;
}

describe("schema.prisma and the migrated database", () => {
  it("have the same enums and values", async () => {
    const dbEnums = await rows<{ name: string; values: string[] }>(`
      SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS values
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
      JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' GROUP BY t.typname`);
    const expected = dmmf.datamodel.enums.map((e) => ({
      name: e.dbName ?? e.name,
      values: e.values.map((v) => v.dbName ?? v.name),
    }));
    expect(sortBy(dbEnums, "name")).toEqual(sortBy(expected, "name"));
  });

  it("have the same tables", async () => {
    const tables = await rows<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const inDb = tables.map((t) => t.table_name).filter((t) => !TABLES_OUTSIDE_PRISMA.has(t));
    expect(inDb.sort()).toEqual(dmmf.datamodel.models.map(tableOf).sort());
  });

  it("have the same columns with the same types, nullability and defaults", async () => {
    const columns = await rows<{
      table: string;
      column: string;
      type: string;
      notnull: boolean;
      hasdefault: boolean;
    }>(`
      SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
             a.attnotnull AS notnull, a.atthasdef AS hasdefault
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped`);
    const enumNames = new Set(dmmf.datamodel.enums.map((e) => e.dbName ?? e.name));

    const expected = dmmf.datamodel.models.flatMap((model) =>
      model.fields
        .filter((f) => f.kind !== "object")
        .map((f) => {
          let type: string;
          if (f.kind === "enum") type = enumNames.has(f.type) ? `"${f.type}"` : f.type;
          else if (f.nativeType) {
            const [native, args] = f.nativeType as [string, string[]];
            const map = NATIVE_TO_PG[native];
            if (!map) throw new Error(`Add native type ${native} to NATIVE_TO_PG in this test`);
            type = map(args);
          } else type = SCALAR_TO_PG[f.type] ?? `unknown scalar ${f.type}`;
          if (f.isList) type += "[]";
          const defaultName =
            typeof f.default === "object" && f.default !== null && "name" in f.default
              ? f.default.name
              : null;
          const hasdefault = f.hasDefaultValue && !CLIENT_SIDE_DEFAULTS.has(String(defaultName));
          return {
            table: tableOf(model),
            column: f.dbName ?? f.name,
            type,
            notnull: f.isRequired,
            hasdefault,
          };
        }),
    );
    const actual = columns
      .filter((c) => !TABLES_OUTSIDE_PRISMA.has(c.table))
      .map((c) => ({
        ...c,
        type: enumNames.has(c.type.replaceAll('"', "")) ? `"${c.type.replaceAll('"', "")}"` : c.type,
      }));
    expect(sortBy(actual, "table", "column")).toEqual(sortBy(expected, "table", "column"));
  });

  it("have the same primary keys, unique constraints and indexes", async () => {
    const indexes = await rows<{
      table: string;
      columns: string[];
      unique: boolean;
      primary: boolean;
      desc: boolean[];
    }>(`
      SELECT t.relname AS table, i.indisunique AS unique, i.indisprimary AS primary,
             array_agg(a.attname ORDER BY k.ord)::text[] AS columns,
             array_agg((i.indoption[k.ord - 1] & 1) = 1 ORDER BY k.ord)::boolean[] AS desc
      FROM pg_index i
      JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      WHERE n.nspname = 'public'
      GROUP BY i.indexrelid, t.relname, i.indisunique, i.indisprimary`);
    const models = new Map(dmmf.datamodel.models.map((m) => [m.name, m]));
    const expected = dmmf.datamodel.indexes.map((index) => {
      const model = models.get(index.model)!;
      const columnOf = (name: string) => model.fields.find((f) => f.name === name)?.dbName ?? name;
      return {
        table: tableOf(model),
        columns: index.fields.map((f) => columnOf(f.name)),
        unique: index.type !== "normal",
        primary: index.type === "id",
        desc: index.fields.map((f) => f.sortOrder === "desc"),
      };
    });
    const actual = indexes.filter((i) => !TABLES_OUTSIDE_PRISMA.has(i.table));
    const key = (i: { table: string; columns: string[] }) => `${i.table}(${i.columns.join(",")})`;
    expect([...actual].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      [...expected].sort((a, b) => key(a).localeCompare(key(b))),
    );
  });

  it("have the same foreign keys with the same delete rules", async () => {
    const fks = await rows<{
      table: string;
      columns: string[];
      target: string;
      targetColumns: string[];
      ondelete: string;
    }>(`
      SELECT c.conrelid::regclass::text AS table, c.confrelid::regclass::text AS target, c.confdeltype AS ondelete,
             (SELECT array_agg(a.attname ORDER BY k.ord)::text[] FROM unnest(c.conkey) WITH ORDINALITY k(n, ord)
                JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n) AS columns,
             (SELECT array_agg(a.attname ORDER BY k.ord)::text[] FROM unnest(c.confkey) WITH ORDINALITY k(n, ord)
                JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n) AS "targetColumns"
      FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE c.contype = 'f' AND n.nspname = 'public'`);
    const models = new Map(dmmf.datamodel.models.map((m) => [m.name, m]));
    const expected = dmmf.datamodel.models.flatMap((model) =>
      model.fields
        .filter((f) => f.kind === "object" && (f.relationFromFields?.length ?? 0) > 0)
        .map((f) => {
          const target = models.get(f.type)!;
          const defaultRule = f.isRequired ? "Restrict" : "SetNull";
          return {
            table: `"${tableOf(model)}"`,
            columns: f.relationFromFields!,
            target: `"${tableOf(target)}"`,
            targetColumns: f.relationToFields!,
            ondelete: ON_DELETE[f.relationOnDelete ?? defaultRule],
          };
        }),
    );
    const key = (f: { table: string; columns: readonly string[] }) => `${f.table}(${f.columns.join(",")})`;
    expect([...fks].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      [...expected].sort((a, b) => key(a).localeCompare(key(b))),
    );
  });
});

function sortBy<T extends Record<string, unknown>>(items: T[], ...keys: (keyof T)[]): T[] {
  return [...items].sort((a, b) => {
    for (const k of keys) {
      const cmp = String(a[k]).localeCompare(String(b[k]));
      if (cmp !== 0) return cmp;
    }
    return 0;
  });
}
