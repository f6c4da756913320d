-- A batch Postgres refuses for its data (a value out of range, a key too large for its index, ...) fails the
-- same way on every retry. It is now recorded as dropped instead of being retried until BullMQ gives up
-- and then lost without a count: its marker says how many items were dropped and why, and the ingest
-- statistics sum them.
ALTER TABLE telemetry_batch ADD COLUMN items_dropped INTEGER NOT NULL DEFAULT 0;
ALTER TABLE telemetry_batch ADD COLUMN drop_reason TEXT;
