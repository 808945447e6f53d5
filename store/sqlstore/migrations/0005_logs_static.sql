-- Lines nodes logged during an execution (console.log in Code nodes), and
-- each workflow's static data ($getWorkflowStaticData), kept between its
-- executions.

ALTER TABLE execution_data ADD COLUMN logs TEXT;
ALTER TABLE workflows ADD COLUMN static_data TEXT;
