-- Pruning by age walks the executions started before its cut in start
-- order, each batch from where the last one ended: by (started_at, id), so
-- that executions started in the same millisecond keep an order too.

DROP INDEX executions_by_start;
CREATE INDEX executions_by_start ON executions (started_at, id);
