-- Schedule Trigger nodes of active workflows: when each fires next and
-- when it last fired. A control plane fires a schedule by moving next_at
-- from the instant it saw to the following one in the same transaction
-- that commits the execution, so each instant fires once whichever control
-- planes are running.

CREATE TABLE schedules (
    workflow_id       TEXT NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    node              TEXT NOT NULL,
    workflow_version  INTEGER NOT NULL,
    next_at           BIGINT NOT NULL,
    last_fired        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (workflow_id, node)
);

CREATE INDEX schedules_due ON schedules (next_at);
