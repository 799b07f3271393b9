-- Login records arrive through a queue (at-least-once): each carries the id its request gave it, and a redelivered
-- message inserts nothing the second time (INSERT OR IGNORE on this index). Rows written before have none.
ALTER TABLE login_records ADD COLUMN record_id TEXT;
CREATE UNIQUE INDEX login_records_record_id ON login_records (record_id) WHERE record_id IS NOT NULL;
