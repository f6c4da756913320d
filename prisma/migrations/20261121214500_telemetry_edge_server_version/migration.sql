-- Edges are split by the version of the server span that answered the call (the same version the rollups
-- keep: `target.version`, else the resource's `service.version`, else ''), so a caller's share of a canary
-- is its own and not the server's total across every caller. The version is part of the key of the minute
-- and hour edges; rows written before this migration had none and keep ''. A child queued for the
-- service-graph job carries its version in `telemetry_graph_pending.versions`, aligned with its other arrays.

ALTER TABLE telemetry_edge ADD COLUMN server_version TEXT NOT NULL DEFAULT '';
ALTER TABLE telemetry_edge ALTER COLUMN server_version DROP DEFAULT;
ALTER TABLE telemetry_edge DROP CONSTRAINT telemetry_edge_pkey,
  ADD PRIMARY KEY (organization_id, minute, client_service, server_service, server_version);

ALTER TABLE telemetry_edge_hour ADD COLUMN server_version TEXT NOT NULL DEFAULT '';
ALTER TABLE telemetry_edge_hour ALTER COLUMN server_version DROP DEFAULT;
ALTER TABLE telemetry_edge_hour DROP CONSTRAINT telemetry_edge_hour_pkey,
  ADD PRIMARY KEY (organization_id, hour, client_service, server_service, server_version);

CREATE OR REPLACE FUNCTION telemetry_edge_to_hour() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE telemetry_edge_hour h
    SET count = h.count - OLD.count, errors = h.errors - OLD.errors,
        duration_sum_ms = h.duration_sum_ms - OLD.duration_sum_ms,
        buckets = telemetry_buckets_add(h.buckets, OLD.buckets, -1)
    WHERE h.organization_id = OLD.organization_id AND h.hour = date_trunc('hour', OLD.minute)
      AND h.client_service = OLD.client_service AND h.server_service = OLD.server_service
      AND h.server_version = OLD.server_version;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO telemetry_edge_hour AS h (organization_id, hour, client_service, server_service,
      server_version, count, errors, duration_sum_ms, buckets)
    VALUES (NEW.organization_id, date_trunc('hour', NEW.minute), NEW.client_service, NEW.server_service,
      NEW.server_version, NEW.count, NEW.errors, NEW.duration_sum_ms, NEW.buckets)
    ON CONFLICT (organization_id, hour, client_service, server_service, server_version) DO UPDATE
    SET count = h.count + excluded.count, errors = h.errors + excluded.errors,
        duration_sum_ms = h.duration_sum_ms + excluded.duration_sum_ms,
        buckets = telemetry_buckets_add(h.buckets, excluded.buckets, 1);
  END IF;
  RETURN NULL;
END $$;

-- Children queued before this migration answered with an unknown version: '' for each.
ALTER TABLE telemetry_graph_pending ADD COLUMN versions TEXT[];
UPDATE telemetry_graph_pending SET versions = array_fill(''::text, ARRAY[cardinality(trace_ids)]);
ALTER TABLE telemetry_graph_pending ALTER COLUMN versions SET NOT NULL;
