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
   * See {@link Jobs#lockStalled}. A job whose request still waits in the outbox is not stalled:
   * Kafka is down, and the relay publishes it when Kafka is back.
   */
  @Query(
      value =
          """
          SELECT * FROM conversion_jobs j
          WHERE j.status IN ('QUEUED', 'RUNNING', 'RETRYING') AND j.updated_at < :cutoff
            AND NOT EXISTS (
              SELECT 1 FROM outbox o WHERE o.aggregate_id = j.id AND o.sent_at IS NULL)
          ORDER BY j.updated_at
          LIMIT :limit
          FOR UPDATE OF j SKIP LOCKED""",
      nativeQuery = true)
  List<ConversionJob> lockStalled(Instant cutoff, int limit);
}
