-- What a control plane needs to resume an execution it did not start: the
-- start node and data, the control plane that owns it until its lease
-- ends, and every node result committed so far (one per task ID; the
-- executor replays them instead of dispatching the tasks again).

ALTER TABLE executions ADD COLUMN start_node TEXT NOT NULL DEFAULT '';
ALTER TABLE executions ADD COLUMN start_data TEXT;
ALTER TABLE executions ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE executions ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;

CREATE TABLE task_results (
    task_id       TEXT PRIMARY KEY,
    execution_id  TEXT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
    result        TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);

CREATE INDEX task_results_by_execution ON task_results (execution_id);
