-- The watchdog re-requests a job no worker reports on a bounded number of times (invariant 6);
-- the count is its own, apart from the worker's attempts, so late updates of an attempt still apply.
ALTER TABLE conversion_jobs ADD COLUMN requeues integer NOT NULL DEFAULT 0;

-- Retention deletes processed push events oldest first. Events that opened jobs (MATCHED) stay
-- while their jobs refer to them, so the index leaves them out and a purge never walks past them.
CREATE INDEX push_events_unmatched_age ON push_events (recorded_at) WHERE outcome <> 'MATCHED';
