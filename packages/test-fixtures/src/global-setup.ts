import type { TestProject } from "vitest/node";
import { assertServicesReachable } from "./services";
import { ensureTemplateDatabase } from "./template-database";

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  await assertServicesReachable();
  project.provide("templateDatabase", await ensureTemplateDatabase());
}
