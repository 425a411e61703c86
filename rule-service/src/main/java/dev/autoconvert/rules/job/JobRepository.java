package dev.autoconvert.rules.job;

import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface JobRepository extends JpaRepository<ConversionJob, UUID> {
  /** Locks the job so a status update and the relay's QUEUED mark never interleave. */
  @Lock(LockModeType.PESSIMISTIC_WRITE)
  @Query("select j from ConversionJob j where j.id = :id")
  Optional<ConversionJob> findForUpdate(UUID id);

  /**
   * See {@link Jobs#lockStalled}. Not stalled, though silent: a job whose request still waits in
   * the outbox (Kafka is down; the relay publishes it when Kafka is back), and a job waiting for a
   * worker (QUEUED, RETRYING) while a job that existed when it was last requested is still
   * converting with progress. Requests of one partition are taken in order, so the job may be
   * queued behind that one: a backlog must not look stalled. A silent waiting job's update time is
   * when it was last requested.
   */
  @Query(
      value =
          """
          SELECT * FROM conversion_jobs j
          WHERE j.status IN ('QUEUED', 'RUNNING', 'RETRYING') AND j.updated_at < :cutoff
            AND NOT EXISTS (
              SELECT 1 FROM outbox o WHERE o.aggregate_id = j.id AND o.sent_at IS NULL)
            AND (j.status = 'RUNNING' OR NOT EXISTS (
              SELECT 1 FROM conversion_jobs ahead
              WHERE ahead.status = 'RUNNING' AND ahead.updated_at >= :cutoff
                AND ahead.created_at < j.updated_at))
          ORDER BY j.updated_at
          LIMIT :limit
          FOR UPDATE OF j SKIP LOCKED""",
      nativeQuery = true)
  List<ConversionJob> lockStalled(Instant cutoff, int limit);
}
