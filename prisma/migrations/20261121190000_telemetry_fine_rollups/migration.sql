-- 10-second request rollups, written with the per-minute ones, for alert windows that minutes are too coarse
-- for (a 30 s window). Same columns as telemetry_rollup; kept about an hour (telemetry.retention prunes it).
CREATE TABLE telemetry_rollup_10s (
    organization_id TEXT NOT NULL,
    slot TIMESTAMPTZ NOT NULL,
    service TEXT NOT NULL,
    route TEXT NOT NULL,
    version TEXT NOT NULL,
    status_class TEXT NOT NULL,
    source TEXT NOT NULL,
    count BIGINT NOT NULL,
    errors BIGINT NOT NULL,
    duration_sum_ms DOUBLE PRECISION NOT NULL,
    buckets BIGINT[] NOT NULL,
    PRIMARY KEY (organization_id, slot, service, route, version, status_class, source)
);

CREATE INDEX telemetry_rollup_10s_slot_idx ON telemetry_rollup_10s (slot);
