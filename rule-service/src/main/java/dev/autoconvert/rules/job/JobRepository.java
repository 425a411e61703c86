package dev.autoconvert.rules.job;

import jakarta.persistence.LockModeType;
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
}
