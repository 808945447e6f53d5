-- Executions parked by a Wait node: until when (0: until a webhook call),
-- the task whose result resumes them, and whether a call to
-- /webhook-waiting/{id} may resume them.

ALTER TABLE executions ADD COLUMN wait_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE executions ADD COLUMN wait_task TEXT NOT NULL DEFAULT '';
ALTER TABLE executions ADD COLUMN wait_webhook INTEGER NOT NULL DEFAULT 0;

-- executions_by_status (status, id) finds the waiting ones; another index
-- would cost every execution's insert and finish an update.
