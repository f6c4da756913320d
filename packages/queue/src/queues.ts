import type { JobName } from "@switchyard/contracts";

/** Every BullMQ queue the platform uses. The worker runs one BullMQ Worker per queue. */
// Config publishes get a queue of their own so they never wait behind a telemetry backlog.
// Rollout checks get one too: a check that waits behind publishes would stretch a step. So do alert
// evaluation and notification delivery, so deliveries (slow HTTP, retries) never hold up an evaluation.
export const queueNames = ["agents", "telemetry", "config", "rollouts", "alerts", "notify"] as const;
export type QueueName = (typeof queueNames)[number];

/** Which queue carries each job. Adding a job to `jobPayloads` without a queue here fails to compile. */
export const jobQueues: Record<JobName, QueueName> = {
  "agents.mark-offline": "agents",
  "telemetry.ingest": "telemetry",
  "telemetry.service-graph": "telemetry",
  "telemetry.retention": "telemetry",
  "config.publish": "config",
  "rollout.check": "rollouts",
  "rollout.sweep": "rollouts",
  "alerts.evaluate": "alerts",
  "alerts.notify": "notify",
};

export function queueForJob(name: JobName): QueueName {
  return jobQueues[name];
}

/** Key prefix when none is configured; tests use one per test so runs never share keys. */
export const defaultQueuePrefix = "switchyard";
