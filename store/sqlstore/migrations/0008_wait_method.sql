-- The HTTP method a waiting execution's webhook accepts (the Wait node's
-- httpMethod); '' accepts any, as executions parked before this did.

ALTER TABLE executions ADD COLUMN wait_method TEXT NOT NULL DEFAULT '';
