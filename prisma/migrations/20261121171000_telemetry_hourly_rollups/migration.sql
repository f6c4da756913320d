-- Hourly copies of the minute rollups and edges, kept exact by row triggers, so a dashboard over days reads
-- one row per hour instead of sixty (a week of 50 services summed from minutes took ~20 s; see
-- packages/telemetry-store/PERFORMANCE.md). Inserts, increments, recomputes and retention deletes on the
-- minute tables all carry over as deltas.

CREATE TABLE telemetry_rollup_hour (
    organization_id TEXT NOT NULL,
    hour TIMESTAMPTZ NOT NULL,
    service TEXT NOT NULL,
    route TEXT NOT NULL,
    version TEXT NOT NULL,
    status_class TEXT NOT NULL,
    source TEXT NOT NULL,
    count BIGINT NOT NULL,
    errors BIGINT NOT NULL,
    duration_sum_ms DOUBLE PRECISION NOT NULL,
    buckets BIGINT[] NOT NULL,
    PRIMARY KEY (organization_id, hour, service, route, version, status_class, source)
);

CREATE TABLE telemetry_edge_hour (
    organization_id TEXT NOT NULL,
    hour TIMESTAMPTZ NOT NULL,
    client_service TEXT NOT NULL,
    server_service TEXT NOT NULL,
    count BIGINT NOT NULL,
    errors BIGINT NOT NULL,
    duration_sum_ms DOUBLE PRECISION NOT NULL,
    buckets BIGINT[] NOT NULL,
    PRIMARY KEY (organization_id, hour, client_service, server_service)
);

-- Element-wise a + sign * b, in bucket order.
CREATE FUNCTION telemetry_buckets_add(a BIGINT[], b BIGINT[], sign INTEGER) RETURNS BIGINT[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(array_agg(coalesce(x, 0) + sign * coalesce(y, 0) ORDER BY i), '{}')
  FROM unnest(a, b) WITH ORDINALITY AS u(x, y, i)
$$;

CREATE FUNCTION telemetry_rollup_to_hour() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE telemetry_rollup_hour h
    SET count = h.count - OLD.count, errors = h.errors - OLD.errors,
        duration_sum_ms = h.duration_sum_ms - OLD.duration_sum_ms,
        buckets = telemetry_buckets_add(h.buckets, OLD.buckets, -1)
    WHERE h.organization_id = OLD.organization_id AND h.hour = date_trunc('hour', OLD.minute)
      AND h.service = OLD.service AND h.route = OLD.route AND h.version = OLD.version
      AND h.status_class = OLD.status_class AND h.source = OLD.source;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO telemetry_rollup_hour AS h (organization_id, hour, service, route, version, status_class,
      source, count, errors, duration_sum_ms, buckets)
    VALUES (NEW.organization_id, date_trunc('hour', NEW.minute), NEW.service, NEW.route, NEW.version,
      NEW.status_class, NEW.source, NEW.count, NEW.errors, NEW.duration_sum_ms, NEW.buckets)
    ON CONFLICT (organization_id, hour, service, route, version, status_class, source) DO UPDATE
    SET count = h.count + excluded.count, errors = h.errors + excluded.errors,
        duration_sum_ms = h.duration_sum_ms + excluded.duration_sum_ms,
        buckets = telemetry_buckets_add(h.buckets, excluded.buckets, 1);
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION telemetry_edge_to_hour() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE telemetry_edge_hour h
    SET count = h.count - OLD.count, errors = h.errors - OLD.errors,
        duration_sum_ms = h.duration_sum_ms - OLD.duration_sum_ms,
        buckets = telemetry_buckets_add(h.buckets, OLD.buckets, -1)
    WHERE h.organization_id = OLD.organization_id AND h.hour = date_trunc('hour', OLD.minute)
      AND h.client_service = OLD.client_service AND h.server_service = OLD.server_service;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO telemetry_edge_hour AS h (organization_id, hour, client_service, server_service, count,
      errors, duration_sum_ms, buckets)
    VALUES (NEW.organization_id, date_trunc('hour', NEW.minute), NEW.client_service, NEW.server_service,
      NEW.count, NEW.errors, NEW.duration_sum_ms, NEW.buckets)
    ON CONFLICT (organization_id, hour, client_service, server_service) DO UPDATE
    SET count = h.count + excluded.count, errors = h.errors + excluded.errors,
        duration_sum_ms = h.duration_sum_ms + excluded.duration_sum_ms,
        buckets = telemetry_buckets_add(h.buckets, excluded.buckets, 1);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER telemetry_rollup_to_hour AFTER INSERT OR UPDATE OR DELETE ON telemetry_rollup
  FOR EACH ROW EXECUTE FUNCTION telemetry_rollup_to_hour();

CREATE TRIGGER telemetry_edge_to_hour AFTER INSERT OR UPDATE OR DELETE ON telemetry_edge
  FOR EACH ROW EXECUTE FUNCTION telemetry_edge_to_hour();

-- Hours that already have minutes (migrating a running installation); 15 latency buckets at this revision.
INSERT INTO telemetry_rollup_hour
SELECT organization_id, date_trunc('hour', minute), service, route, version, status_class, source,
  sum(count), sum(errors), sum(duration_sum_ms),
  ARRAY[sum(buckets[1]), sum(buckets[2]), sum(buckets[3]), sum(buckets[4]), sum(buckets[5]), sum(buckets[6]), sum(buckets[7]), sum(buckets[8]), sum(buckets[9]), sum(buckets[10]), sum(buckets[11]), sum(buckets[12]), sum(buckets[13]), sum(buckets[14]), sum(buckets[15])]
FROM telemetry_rollup GROUP BY 1, 2, 3, 4, 5, 6, 7;

INSERT INTO telemetry_edge_hour
SELECT organization_id, date_trunc('hour', minute), client_service, server_service,
  sum(count), sum(errors), sum(duration_sum_ms),
  ARRAY[sum(buckets[1]), sum(buckets[2]), sum(buckets[3]), sum(buckets[4]), sum(buckets[5]), sum(buckets[6]), sum(buckets[7]), sum(buckets[8]), sum(buckets[9]), sum(buckets[10]), sum(buckets[11]), sum(buckets[12]), sum(buckets[13]), sum(buckets[14]), sum(buckets[15])]
FROM telemetry_edge GROUP BY 1, 2, 3, 4;
