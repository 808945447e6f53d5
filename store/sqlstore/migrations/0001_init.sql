-- Workflows, their immutable versions, executions with run data, and the
-- change log. Times are Unix milliseconds; documents are text, kept byte
-- for byte (key order matters to n8n exports). {{serial}} is the dialect's
-- auto-incrementing 64-bit primary key.

CREATE TABLE workflows (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    version         INTEGER NOT NULL,
    active_version  INTEGER NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);

CREATE TABLE workflow_versions (
    workflow_id  TEXT NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    name         TEXT NOT NULL,
    document     TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (workflow_id, version)
);

CREATE TABLE executions (
    id                  TEXT PRIMARY KEY,
    workflow_id         TEXT NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    workflow_version    INTEGER NOT NULL,
    status              TEXT NOT NULL,
    mode                TEXT NOT NULL,
    started_at          BIGINT NOT NULL,
    finished_at         BIGINT NOT NULL DEFAULT 0,
    error               TEXT,
    last_node_executed  TEXT NOT NULL DEFAULT '',
    retry_of            TEXT NOT NULL DEFAULT '',
    parent_id           TEXT NOT NULL DEFAULT ''
);

CREATE INDEX executions_by_workflow ON executions (workflow_id, id);
CREATE INDEX executions_by_status ON executions (status, id);
CREATE INDEX executions_by_start ON executions (started_at);

CREATE TABLE execution_data (
    execution_id  TEXT PRIMARY KEY REFERENCES executions (id) ON DELETE CASCADE,
    run_data      TEXT NOT NULL
);

CREATE TABLE events (
    id            {{serial}},
    at            BIGINT NOT NULL,
    kind          TEXT NOT NULL,
    workflow_id   TEXT NOT NULL DEFAULT '',
    execution_id  TEXT NOT NULL DEFAULT '',
    detail        TEXT
);
