-- Listing the executions an execution started (its Execute Workflow
-- nodes' sub-executions) by parent. Only those that have a parent are
-- indexed: most executions have none, and pay nothing for it.

CREATE INDEX executions_by_parent ON executions (parent_id, id) WHERE parent_id <> '';
