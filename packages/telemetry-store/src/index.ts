export { TelemetryWriter, type WriteResult } from "./writer";
export {
  TelemetryQueries,
  foldRed,
  type RedQuery,
  type RedPoint,
  type ServiceGraphEdge,
  type StoredSpan,
  type TraceSearchQuery,
  type TraceSummary,
} from "./queries";
export { applyRetention, type RetentionOptions } from "./maintenance";
export { updateServiceGraph, PARENT_WAIT_MS } from "./service-graph";
export { percentileFromBuckets, bucketIndex } from "./histogram";
export { cumulativeDelta, type SeriesState } from "./aggregate";
export { createPartition, partitionName } from "./partitions";
export {
  redBreakdown,
  serviceGraphSummary,
  hourAligned,
  totalsOf,
  type BreakdownKey,
  type BreakdownQuery,
  type EdgeVersionTotals,
  type RedSeries,
  type RedTotals,
  type ServiceGraphSummaryEdge,
} from "./breakdown";
export { versionTotalsSince, type VersionCounts } from "./version-totals";
export { windowTotals, FINE_ROLLUP_RETENTION_MS, type WindowQuery, type WindowTotals } from "./window-totals";
