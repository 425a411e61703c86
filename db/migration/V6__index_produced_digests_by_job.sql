-- Job retention deletes the produced-digest records of the jobs it purges (a purged output is
-- still recognised by content: its last layer is a Nydus bootstrap). Built CONCURRENTLY, as in V5,
-- so that workers' status updates keep recording digests meanwhile; dropped first, so running the
-- script again after a failed build is safe.
DROP INDEX CONCURRENTLY IF EXISTS produced_digests_job;
CREATE INDEX CONCURRENTLY produced_digests_job ON produced_digests (job_id);
