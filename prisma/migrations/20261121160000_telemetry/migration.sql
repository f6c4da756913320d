-- CreateTable
CREATE TABLE "IngestKey" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "keyPrefix" TEXT NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "IngestKey_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "IngestKey_keyHash_key" ON "IngestKey"("keyHash");

-- CreateIndex
CREATE INDEX "IngestKey_organizationId_idx" ON "IngestKey"("organizationId");

-- AddForeignKey
ALTER TABLE "IngestKey" ADD CONSTRAINT "IngestKey_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Telemetry tables below are written and read only by @switchyard/telemetry-store over pg (bulk unnest
-- inserts, ON CONFLICT increments, range partitions), so they stay outside schema.prisma; the drift test
-- lists them in TABLES_OUTSIDE_PRISMA. Every row carries organization_id and every query filters by it.
-- Organization deletion removes them through the retention job rather than foreign keys, which a
-- partitioned table at this write rate should not carry.

-- Raw spans, one partition per UTC day (created ahead and dropped by the telemetry.retention job).
CREATE TABLE telemetry_span (
    organization_id TEXT NOT NULL,
    trace_id TEXT NOT NULL,
    span_id TEXT NOT NULL,
    parent_span_id TEXT,
    service TEXT NOT NULL,
    name TEXT NOT NULL,
    kind SMALLINT NOT NULL,
    start_time TIMESTAMPTZ NOT NULL,
    duration_us BIGINT NOT NULL,
    status SMALLINT NOT NULL,
    route TEXT,
    version TEXT,
    http_status_code INTEGER,
    attributes JSONB NOT NULL
) PARTITION BY RANGE (start_time);

CREATE INDEX telemetry_span_trace_idx ON telemetry_span (organization_id, trace_id);
CREATE INDEX telemetry_span_time_idx ON telemetry_span (organization_id, start_time);

-- Per-minute request rollups; source is 'metrics' (agent histograms) or 'spans' (SERVER spans).
-- buckets: counts per LATENCY_BUCKET_BOUNDS_MS bucket plus the overflow bucket.
CREATE TABLE telemetry_rollup (
    organization_id TEXT NOT NULL,
    minute TIMESTAMPTZ NOT NULL,
    service TEXT NOT NULL,
    route TEXT NOT NULL,
    version TEXT NOT NULL,
    status_class TEXT NOT NULL,
    source TEXT NOT NULL,
    count BIGINT NOT NULL,
    errors BIGINT NOT NULL,
    duration_sum_ms DOUBLE PRECISION NOT NULL,
    buckets BIGINT[] NOT NULL,
    PRIMARY KEY (organization_id, minute, service, route, version, status_class, source)
);

CREATE INDEX telemetry_rollup_minute_idx ON telemetry_rollup (minute);

-- Service-graph edges per minute (client service -> server service), recomputed from stored spans.
CREATE TABLE telemetry_edge (
    organization_id TEXT NOT NULL,
    minute TIMESTAMPTZ NOT NULL,
    client_service TEXT NOT NULL,
    server_service TEXT NOT NULL,
    count BIGINT NOT NULL,
    errors BIGINT NOT NULL,
    duration_sum_ms DOUBLE PRECISION NOT NULL,
    buckets BIGINT[] NOT NULL,
    PRIMARY KEY (organization_id, minute, client_service, server_service)
);

CREATE INDEX telemetry_edge_minute_idx ON telemetry_edge (minute);

-- The last point seen of each cumulative series, to turn cumulative values into per-minute deltas.
CREATE TABLE telemetry_series_state (
    organization_id TEXT NOT NULL,
    series_key TEXT NOT NULL,
    start_us BIGINT NOT NULL,
    time_us BIGINT NOT NULL,
    count BIGINT NOT NULL,
    duration_sum_ms DOUBLE PRECISION NOT NULL,
    buckets BIGINT[] NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, series_key)
);

-- One row per written batch: a retried job whose marker exists is skipped (exactly-once effect). The counts
-- make the per-organization ingest statistics (summed by day) without a hot row every batch would update.
CREATE TABLE telemetry_batch (
    organization_id TEXT NOT NULL,
    batch_id TEXT NOT NULL,
    signal TEXT NOT NULL,
    written_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    items_stored INTEGER NOT NULL,
    items_rejected INTEGER NOT NULL,
    items_ignored INTEGER NOT NULL,
    PRIMARY KEY (organization_id, batch_id)
);

CREATE INDEX telemetry_batch_written_at_idx ON telemetry_batch (organization_id, written_at);
