package dev.autoconvert.rules.job;

import dev.autoconvert.contracts.FailureCode;
import dev.autoconvert.contracts.JobStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One recorded state change of a job: when, by which worker, why. */
@Entity
@Table(name = "job_transitions")
public class JobTransition {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  private UUID jobId;

  @Enumerated(EnumType.STRING)
  private JobStatus fromStatus;

  @Enumerated(EnumType.STRING)
  private JobStatus toStatus;

  private int attempt;
  private String workerId;

  @Enumerated(EnumType.STRING)
  private FailureCode failureCode;

  @Column(columnDefinition = "text")
  private String reason;

  private Instant at;

  protected JobTransition() {}

  JobTransition(
      UUID jobId,
      JobStatus fromStatus,
      JobStatus toStatus,
      int attempt,
      String workerId,
      FailureCode failureCode,
      String reason,
      Instant at) {
    this.jobId = jobId;
    this.fromStatus = fromStatus;
    this.toStatus = toStatus;
    this.attempt = attempt;
    this.workerId = workerId;
    this.failureCode = failureCode;
    this.reason = reason;
    this.at = at;
  }

  public UUID getJobId() {
    return jobId;
  }

  public JobStatus getFromStatus() {
    return fromStatus;
  }

  public JobStatus getToStatus() {
    return toStatus;
  }

  public int getAttempt() {
    return attempt;
  }

  public String getWorkerId() {
    return workerId;
  }

  public FailureCode getFailureCode() {
    return failureCode;
  }

  public String getReason() {
    return reason;
  }

  public Instant getAt() {
    return at;
  }
}
