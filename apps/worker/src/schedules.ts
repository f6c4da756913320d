import { alertEvaluationPeriodSeconds, type JobName } from "@switchyard/contracts";
import type { JobPayloadInput } from "@switchyard/queue";

export type JobSchedule<N extends JobName = JobName> = {
  job: N;
  everyMs: number;
  payload: JobPayloadInput<N>;
};

/** Jobs the worker keeps scheduled through BullMQ job schedulers (one scheduler per job, id = job name). */
export const jobSchedules: JobSchedule[] = [
  // An agent silent for 60 s is marked offline; sweeping every 15 s marks it within 75 s at worst.
  { job: "agents.mark-offline", everyMs: 15_000, payload: { silentAfterMs: 60_000 } },
  // Parent and child spans of one call may land in different batches; every 10 s the calls of the spans
  // stored since the last run are added to the edges, so an edge appears within seconds.
  { job: "telemetry.service-graph", everyMs: 10_000, payload: {} },
  // A rollout's check lost with Redis (which may run without persistence) is re-enqueued within a minute.
  { job: "rollout.sweep", everyMs: 30_000, payload: { overdueMs: 30_000 } },
  // Alert rules: the evaluation period the rule contracts assume (alertEvaluationPeriodSeconds).
  { job: "alerts.evaluate", everyMs: alertEvaluationPeriodSeconds * 1000, payload: {} },
  // Hourly is often enough to keep two days of partitions ahead and drop expired ones.
  { job: "telemetry.retention", everyMs: 3_600_000, payload: {} },
];
