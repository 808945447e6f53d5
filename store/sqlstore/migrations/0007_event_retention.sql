-- The change log follows retention: an execution's entries go with it.
-- Workflow changes (no execution) are read by control planes following
-- each other's edits; the index finds both kinds without a scan of the
-- log. Entries left by executions already pruned go now.

CREATE INDEX events_by_execution ON events (execution_id, id);

DELETE FROM events
WHERE execution_id <> ''
  AND kind <> 'execution.deleted'
  AND NOT EXISTS (SELECT 1 FROM executions e WHERE e.id = events.execution_id);
