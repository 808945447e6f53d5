-- The webhook paths active workflows hold: the primary key makes two
-- control planes activating workflows with the same method and path at
-- once fail one of the activations, instead of serving both.

CREATE TABLE webhooks (
    method       TEXT NOT NULL,
    path         TEXT NOT NULL,
    workflow_id  TEXT NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    node         TEXT NOT NULL,
    PRIMARY KEY (method, path)
);

CREATE INDEX webhooks_by_workflow ON webhooks (workflow_id);
