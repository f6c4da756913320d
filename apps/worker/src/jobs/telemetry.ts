import type { JobPayload } from "@switchyard/contracts";
import { batchOfExport } from "@switchyard/otlp";
import { applyRetention, updateServiceGraph, type WriteResult } from "@switchyard/telemetry-store";
import type { JobContext } from "../registry";

/**
 * Writes one accepted OTLP batch. The writer's batch marker makes a retry after a crash (or a second run of
 * the same job) write nothing twice; a failure here leaves the job to BullMQ's retries. A batch whose data
 * the database refuses would fail every retry the same way: the writer records it as dropped instead.
 */
export async function ingestTelemetry(
  payload: JobPayload<"telemetry.ingest">,
  { telemetryWriter, jobs, logger }: JobContext,
): Promise<WriteResult> {
  // Exports are queued as their OTLP body and normalised here, with the ingest's clock.
  const result = await telemetryWriter.write("body" in payload ? batchOfExport(payload) : payload);
  if (result.duplicate) logger.info({ batchId: payload.batchId }, "batch already written; skipped");
  if (result.errors > 0) await evaluateAlertsSoon(jobs, logger);
  if (result.dropped)
    logger.warn(
      {
        batchId: payload.batchId,
        organizationId: payload.organizationId,
        signal: payload.signal,
        items: result.dropped.items,
        reason: result.dropped.reason,
      },
      "telemetry batch refused by the database: dropped and counted in the ingest statistics",
    );
  return result;
}

/**
 * Failed requests just arrived: evaluate the alert rules now instead of at the next 10 s tick, so an error
 * spike is seen as soon as the gateway has exported it. The job id is per 2-second slot, so a burst of
 * batches asks for one evaluation, not one each. Best effort: the scheduled evaluation follows anyway.
 */
async function evaluateAlertsSoon(jobs: JobContext["jobs"], logger: JobContext["logger"]) {
  const slot = Math.floor(Date.now() / 2_000);
  await jobs
    .enqueue("alerts.evaluate", {}, { jobId: `alerts-evaluate-on-errors-${slot}`, attempts: 1 })
    .catch((error: unknown) => logger.warn({ err: error }, "could not ask for an early alert evaluation"));
}

export async function updateTelemetryGraph(
  _payload: JobPayload<"telemetry.service-graph">,
  { telemetryPool, logger }: JobContext,
) {
  const result = await updateServiceGraph(telemetryPool);
  if (result.expired > 0)
    logger.info({ expired: result.expired }, "child spans whose parent never arrived: counted in no edge");
  return result;
}

export async function applyTelemetryRetention(
  payload: JobPayload<"telemetry.retention">,
  { telemetryPool, logger }: JobContext,
) {
  const result = await applyRetention(telemetryPool, payload);
  if (result.droppedPartitions.length > 0)
    logger.info({ dropped: result.droppedPartitions }, "dropped expired span partitions");
  return result;
}
