-- Job retention (rule-service JobRetention) walks finished jobs oldest first and keeps those a
-- retry still points at. Built CONCURRENTLY, so intake and the API keep writing jobs meanwhile:
-- Flyway runs this script outside a transaction (and takes a session lock, see application.yml).
-- A build that failed half-way leaves an INVALID index, so each is dropped first: running the
-- script again after a failure is safe.
DROP INDEX CONCURRENTLY IF EXISTS conversion_jobs_finished_age;
CREATE INDEX CONCURRENTLY conversion_jobs_finished_age
    ON conversion_jobs (updated_at)
    WHERE status IN ('SUCCEEDED', 'FAILED', 'SKIPPED', 'SUPERSEDED');
DROP INDEX CONCURRENTLY IF EXISTS conversion_jobs_retry_of;
CREATE INDEX CONCURRENTLY conversion_jobs_retry_of
    ON conversion_jobs (retry_of)
    WHERE retry_of IS NOT NULL;
