-- The workflow document an execution runs when it is not a saved
-- version: a sub-workflow an Execute Workflow node gave as JSON or as a
-- file. Such an execution belongs to the workflow of the node that
-- started it (workflow_id, workflow_version).

ALTER TABLE executions ADD COLUMN workflow_doc TEXT;
