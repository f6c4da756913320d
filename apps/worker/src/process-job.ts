import { metrics, SpanStatusCode, trace } from "@opentelemetry/api";
import { DelayedError, UnrecoverableError, type Job } from "bullmq";
import type { JobName, JobPayload } from "@switchyard/contracts";
import type { Database } from "@switchyard/db";
import type { Logger } from "@switchyard/observability";
import type { RevisionNotifier } from "@switchyard/traffic";
import type { TelemetryWriter } from "@switchyard/telemetry-store";
import type { Pool } from "pg";
import type { JobProducer } from "@switchyard/queue";
import { describePayloadProblems, InvalidJobPayloadError, isJobName } from "@switchyard/queue";
import type { JobContext, JobRegistry } from "./registry";

export interface ProcessorDependencies {
  registry: JobRegistry;
  db: Database;
  telemetryPool: Pool;
  telemetryWriter: TelemetryWriter;
  revisions: RevisionNotifier;
  jobs: JobProducer;
  alerting: JobContext["alerting"];
  logger: Logger;
}

/**
 * The BullMQ processor for every queue: looks the job up in the registry, parses its payload with the
 * job's schema and runs the handler inside a span. A job that is unknown or whose payload does not parse
 * fails permanently (UnrecoverableError): retrying cannot fix it, and its failedReason names the field.
 */
export function createJobProcessor({
  registry,
  db,
  telemetryPool,
  telemetryWriter,
  revisions,
  jobs,
  alerting,
  logger,
}: ProcessorDependencies) {
  // Created here rather than at import so they bind to the meter provider that startTelemetry registered.
  const tracer = trace.getTracer("@switchyard/worker");
  const duration = metrics.getMeter("@switchyard/worker").createHistogram("switchyard.worker.job.duration", {
    unit: "s",
    description: "Time a job's handler ran, by job name and outcome",
  });

  return async function processJob(job: Job, token?: string): Promise<unknown> {
    if (!isJobName(job.name))
      throw new UnrecoverableError(`unknown job "${job.name}": no handler is registered`);
    const name = job.name;
    return tracer.startActiveSpan(`job ${name}`, async (span) => {
      span.setAttributes({ "messaging.system": "bullmq", "messaging.destination.name": job.queueName });
      const started = performance.now();
      let outcome = "completed";
      try {
        return await runHandler(registry, name, job, {
          db,
          telemetryPool,
          telemetryWriter,
          revisions,
          jobs,
          alerting,
          retryLater: async (delayMs) => {
            await job.moveToDelayed(Date.now() + delayMs, token);
            throw new DelayedError();
          },
          logger: logger.child({ jobId: job.id, jobName: name }),
          jobId: job.id ?? "",
          attempt: job.attemptsMade + 1,
        });
      } catch (error) {
        if (error instanceof DelayedError) {
          outcome = "delayed";
          throw error;
        }
        outcome = "failed";
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        duration.record((performance.now() - started) / 1000, { job: name, outcome });
        span.end();
      }
    });
  };
}

function runHandler<N extends JobName>(
  registry: JobRegistry,
  name: N,
  job: Job,
  context: Parameters<JobRegistry[N]["handler"]>[1],
): Promise<unknown> {
  const definition: JobRegistry[N] = registry[name];
  const parsed = definition.schema.safeParse(job.data);
  if (!parsed.success) {
    throw new UnrecoverableError(
      new InvalidJobPayloadError(name, describePayloadProblems(parsed.error)).message,
    );
  }
  return definition.handler(parsed.data as JobPayload<N>, context);
}
