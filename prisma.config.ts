import { defineConfig } from "prisma/config";

// Used by the Prisma CLI (`generate`, and `migrate deploy` on machines where Prisma's schema engine can be
// downloaded). The running services connect through the pg driver adapter in packages/db instead.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/switchyard" },
});
