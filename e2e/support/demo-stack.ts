import { readFile } from "node:fs/promises";
import type { StackInfo } from "../../scripts/stack/start";

/**
 * The stack the global setup started (the one `npm run up` starts: web, worker, the demo shop behind the
 * two gateway agents of the demo organization's "edge" group, traffic generators and the Slack receiver), as
 * the tests read it: set by the global setup in the environment the workers inherit.
 */
export function demoStack(): StackInfo {
  const raw = process.env.SWITCHYARD_E2E_DEMO;
  if (!raw)
    throw new Error("SWITCHYARD_E2E_DEMO is not set: the e2e global setup did not start the demo stack");
  return JSON.parse(raw) as StackInfo;
}

/** What one process of the stack has printed so far (the global setup writes every line to one file). */
export async function stackLogOf(name: string): Promise<string[]> {
  const file = process.env.SWITCHYARD_E2E_STACK_LOG;
  if (!file)
    throw new Error("SWITCHYARD_E2E_STACK_LOG is not set: the e2e global setup did not start the stack");
  const prefix = `${name.padEnd(17)}│ `;
  return (await readFile(file, "utf8"))
    .split("\n")
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(prefix.length));
}
