import type { TestProject } from "vitest/node";
import { assertServicesReachable } from "./services";
import { ensureTemplateDatabase } from "./template-database";
// Type-only: brings in the ProvidedContext declaration without loading test-runtime code here.
import type {} from "./database";

export default async function setup(project: TestProject): Promise<void> {
  await assertServicesReachable();
  project.provide("templateDatabase", await ensureTemplateDatabase());
}
