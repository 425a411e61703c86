-- An operator may cancel a job (CANCELLED): a finished state, which job retention walks with the
-- others. The partial index of finished jobs is built again to include it, CONCURRENTLY as in V5
-- (Flyway runs this script outside a transaction), dropped first so that a run after a failure
-- half-way is safe.
DROP INDEX CONCURRENTLY IF EXISTS conversion_jobs_finished_age;
CREATE INDEX CONCURRENTLY conversion_jobs_finished_age
    ON conversion_jobs (updated_at)
    WHERE status IN ('SUCCEEDED', 'FAILED', 'SKIPPED', 'SUPERSEDED', 'CANCELLED');
