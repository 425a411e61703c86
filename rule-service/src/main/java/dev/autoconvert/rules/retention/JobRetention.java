package dev.autoconvert.rules.retention;

import dev.autoconvert.rules.RulesProperties;
import java.sql.Timestamp;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes finished jobs past their retention ({@link RulesProperties.Jobs} says which stay), with
 * their transitions (by cascade), the records of the digests they produced and the push events no
 * remaining job refers to, in batches of one transaction each. An output whose record is gone is
 * still not converted: intake and the reconciler recognise a Nydus image by its content.
 *
 * <p>One instance purges at a time: a batch takes a transaction-scoped advisory lock, and comes
 * back empty (ending that run) when another instance holds it. Two concurrent batches could each
 * delete one of two jobs of the same event while seeing the other still there, and leave the event
 * behind for good. Rows other transactions hold are skipped, not waited for.
 */
@Component
class JobRetention {
  private static final Logger log = LoggerFactory.getLogger(JobRetention.class);

  /**
   * One batch. Kept: the newest job into each target tag that a newer push did not supersede (what
   * {@code Jobs.newestIntoTarget} reads), and jobs a retry still points at ({@code retry_of}; they
   * go in a later purge, after the retry). The CTEs share one snapshot, so the last statement must
   * leave out this batch's jobs itself when it asks whether another job still uses an event.
   */
  private static final String PURGE_BATCH =
      """
      WITH purger AS (
        SELECT pg_try_advisory_xact_lock(hashtextextended('autoconvert.job-retention', 0)) AS me),
      doomed AS (
        SELECT j.id FROM conversion_jobs j
        WHERE (SELECT me FROM purger)
          AND j.status IN ('SUCCEEDED', 'FAILED', 'SKIPPED', 'SUPERSEDED', 'CANCELLED')
          AND j.updated_at < ?
          AND (j.status = 'SUPERSEDED' OR EXISTS (
            SELECT 1 FROM conversion_jobs n
            WHERE n.registry = j.registry AND n.target_repository = j.target_repository
              AND n.target_tag = j.target_tag AND n.status <> 'SUPERSEDED'
              AND n.created_at > j.created_at))
          AND NOT EXISTS (SELECT 1 FROM conversion_jobs r WHERE r.retry_of = j.id)
        ORDER BY j.updated_at
        LIMIT ?
        FOR UPDATE OF j SKIP LOCKED),
      jobs AS (
        DELETE FROM conversion_jobs j USING doomed d WHERE j.id = d.id
        RETURNING j.push_event_id),
      produced AS (
        DELETE FROM produced_digests p USING doomed d WHERE p.job_id = d.id),
      events AS (
        DELETE FROM push_events p
        WHERE p.event_id IN (SELECT push_event_id FROM jobs)
          AND NOT EXISTS (
            SELECT 1 FROM conversion_jobs o
            WHERE o.push_event_id = p.event_id AND o.id NOT IN (SELECT id FROM doomed)))
      SELECT count(*) FROM jobs""";

  private final JdbcClient jdbc;
  private final RulesProperties.Jobs config;

  JobRetention(JdbcClient jdbc, RulesProperties properties) {
    this.jdbc = jdbc;
    this.config = properties.jobs();
  }

  @Scheduled(
      fixedDelayString = "${autoconvert.rules.jobs.purge-interval:1h}",
      initialDelayString = "${autoconvert.rules.jobs.purge-interval:1h}")
  void scheduledPurge() {
    Purges.scheduled(log, "finished jobs", config.retention(), () -> purge(Instant.now()));
  }

  /** Deletes the finished jobs last updated before {@code now} minus the retention. */
  long purge(Instant now) {
    Timestamp cutoff = Timestamp.from(now.minus(config.retention()));
    return Purges.untilShort(
        config.purgeBatchSize(),
        () ->
            jdbc.sql(PURGE_BATCH)
                .params(cutoff, config.purgeBatchSize())
                .query(Long.class)
                .single()
                .intValue());
  }
}
