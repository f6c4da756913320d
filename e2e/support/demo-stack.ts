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
