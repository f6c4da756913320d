import type { JobName } from "@switchyard/contracts";
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
];
