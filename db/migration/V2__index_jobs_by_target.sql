-- Intake and the reconciler ask for the newest conversion into a target tag.
CREATE INDEX conversion_jobs_target
    ON conversion_jobs (registry, target_repository, target_tag, created_at DESC);
-- Content dedupe moved from push_events to the jobs of the target (see V2's first index).
DROP INDEX push_events_tag;
