-- Service-graph edges are now added as spans arrive instead of recomputed from a window of stored spans
-- (that join of every span of the last 2-3 minutes, every 10 s, was half of Postgres' CPU at 11 000
-- spans/s and grew with the rate; see packages/telemetry-store/PERFORMANCE.md). The writer counts the calls
-- whose parent is in the same batch; a child whose parent is not leaves a row here, in the transaction
-- that stores it, and the service-graph job looks its parent up (retrying for a while when the parent has
-- not arrived yet). Arrays are one row per batch: the children of that batch, in order.
CREATE TABLE telemetry_graph_pending (
    organization_id TEXT NOT NULL,
    queued_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    trace_ids TEXT[] NOT NULL,
    parent_span_ids TEXT[] NOT NULL,
    services TEXT[] NOT NULL,
    start_us BIGINT[] NOT NULL,
    duration_us BIGINT[] NOT NULL,
    errors BOOLEAN[] NOT NULL
);
