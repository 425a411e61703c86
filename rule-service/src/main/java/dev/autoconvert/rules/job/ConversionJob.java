package dev.autoconvert.rules.job;

import dev.autoconvert.contracts.ConversionOptions;
import dev.autoconvert.contracts.ConversionRequest;
import dev.autoconvert.contracts.ConversionStatus;
import dev.autoconvert.contracts.FailureCode;
import dev.autoconvert.contracts.JobStatus;
import dev.autoconvert.contracts.JsonCodec;
import dev.autoconvert.rules.rule.OptionsConverter;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** One conversion of one source image by one rule (DESIGN.md "Job states"). */
@Entity
@Table(name = "conversion_jobs")
public class ConversionJob {
  @Id private UUID id;

  private UUID ruleId;

  @Enumerated(EnumType.STRING)
  private Trigger trigger;

  private String pushEventId;
  private UUID retryOf;
  private long sequence;

  @Enumerated(EnumType.STRING)
  private JobStatus status;

  @Enumerated(EnumType.STRING)
  private FailureCode failureCode;

  @Column(columnDefinition = "text")
  private String reason;

  private String registry;
  private String sourceRepository;
  private String sourceTag;
  private String sourceDigest;
  private String targetRepository;
  private String targetTag;
  private String targetDigest;

  @Convert(converter = OptionsConverter.class)
  @Column(columnDefinition = "text")
  private ConversionOptions options;

  private int attempts;
  private int requeues;
  private String workerId;
  private Integer layersDone;
  private Integer layersTotal;
  private Long bytesIn;
  private Long bytesOut;
  private Long sourceSize;
  private Long targetSize;
  private Integer layersConverted;
  private Integer layersFromCache;

  @Column(columnDefinition = "text")
  private String phaseMillis;

  private Instant createdAt;
  private Instant updatedAt;
  private Instant queuedAt;
  private Instant startedAt;
  private Instant finishedAt;

  protected ConversionJob() {}

  static ConversionJob pending(UUID id, JobSpec spec, Instant now) {
    ConversionJob job = new ConversionJob();
    job.id = id;
    job.ruleId = spec.ruleId();
    job.trigger = spec.trigger();
    job.pushEventId = spec.pushEventId();
    job.retryOf = spec.retryOf();
    job.sequence = spec.sequence();
    job.status = JobStatus.PENDING;
    job.registry = spec.registry();
    job.sourceRepository = spec.sourceRepository();
    job.sourceTag = spec.sourceTag();
    job.sourceDigest = spec.sourceDigest();
    job.targetRepository = spec.targetRepository();
    job.targetTag = spec.targetTag();
    job.options = spec.options();
    job.createdAt = now;
    job.updatedAt = now;
    return job;
  }

  /** Records that the request reached the conversion queue (PENDING to QUEUED). */
  void queued(Instant at) {
    status = JobStatus.QUEUED;
    queuedAt = at;
    updatedAt = Instant.now();
  }

  /** Ends the job CANCELLED on an operator's word. */
  void cancel(String why, Instant now) {
    this.status = JobStatus.CANCELLED;
    this.failureCode = null;
    this.reason = why;
    this.updatedAt = now;
    this.finishedAt = now;
  }

  /** Ends the job FAILED on rule-service's own account (TAG_TOO_LONG upfront, STALLED later). */
  void fail(FailureCode code, String why, Instant now) {
    this.status = JobStatus.FAILED;
    this.failureCode = code;
    this.reason = why;
    this.updatedAt = now;
    this.finishedAt = now;
  }

  /**
   * Re-requests a job no worker has reported on for too long, as the next attempt. Its attempts
   * stay as they are until that attempt reports: a slow worker's late updates of the current
   * attempt still apply, and whichever attempt reaches a terminal state first ends the job.
   */
  ConversionRequest requeue(String why, Instant now) {
    status = JobStatus.RETRYING;
    failureCode = FailureCode.STALLED;
    reason = why;
    requeues++;
    updatedAt = now;
    // the push time only informs the worker's logs; the job does not keep it
    return request(attempts + 1, null);
  }

  ConversionRequest request(int attempt, Instant pushedAt) {
    return new ConversionRequest(
        id,
        attempt,
        sequence,
        registry,
        sourceRepository,
        sourceTag,
        sourceDigest,
        targetRepository,
        targetTag,
        pushedAt,
        options);
  }

  /** Where the job stands, as {@link Progression} orders updates. */
  Progression.Step step() {
    return new Progression.Step(status, attempts, failureCode);
  }

  /**
   * Applies a worker's update if it moves the job forward.
   *
   * @return what the update did
   */
  Progression.Effect apply(ConversionStatus update) {
    Progression.Effect effect = Progression.decide(step(), Progression.Step.of(update));
    if (effect == Progression.Effect.IGNORE) {
      return effect;
    }
    Instant at = update.at() == null ? Instant.now() : update.at();
    if (effect == Progression.Effect.MOVE) {
      status = update.status();
      attempts = Math.max(attempts, update.attempt());
      if (update.workerId() != null) {
        workerId = update.workerId();
      }
      if (status == JobStatus.RUNNING && startedAt == null) {
        startedAt = at;
      }
      if (status.terminal()) {
        finishedAt = at;
      }
      // the current state's code and reason; earlier ones stay in the transitions
      failureCode = update.failureCode();
      reason = update.reason();
    }
    if (update.targetDigest() != null) {
      targetDigest = update.targetDigest();
    }
    if (update.progress() != null) {
      layersDone = update.progress().layersDone();
      layersTotal = update.progress().layersTotal();
      bytesIn = update.progress().bytesIn();
      bytesOut = update.progress().bytesOut();
    }
    if (update.result() != null) {
      ConversionStatus.Result result = update.result();
      sourceSize = result.sourceSize();
      targetSize = result.targetSize();
      layersConverted = result.layersConverted();
      layersFromCache = result.layersFromCache();
      phaseMillis =
          result.phaseMillis() == null
              ? null
              : new String(
                  JsonCodec.encode(new Phases(result.phaseMillis())), StandardCharsets.UTF_8);
    }
    updatedAt = Instant.now();
    return effect;
  }

  public UUID getId() {
    return id;
  }

  public UUID getRuleId() {
    return ruleId;
  }

  public Trigger getTrigger() {
    return trigger;
  }

  public String getPushEventId() {
    return pushEventId;
  }

  public UUID getRetryOf() {
    return retryOf;
  }

  public long getSequence() {
    return sequence;
  }

  public JobStatus getStatus() {
    return status;
  }

  public FailureCode getFailureCode() {
    return failureCode;
  }

  public String getReason() {
    return reason;
  }

  public String getRegistry() {
    return registry;
  }

  public String getSourceRepository() {
    return sourceRepository;
  }

  public String getSourceTag() {
    return sourceTag;
  }

  public String getSourceDigest() {
    return sourceDigest;
  }

  public String getTargetRepository() {
    return targetRepository;
  }

  public String getTargetTag() {
    return targetTag;
  }

  public String getTargetDigest() {
    return targetDigest;
  }

  public ConversionOptions getOptions() {
    return options;
  }

  public int getAttempts() {
    return attempts;
  }

  /** How often the watchdog re-requested the job because no worker reported progress. */
  public int getRequeues() {
    return requeues;
  }

  public String getWorkerId() {
    return workerId;
  }

  public Integer getLayersDone() {
    return layersDone;
  }

  public Integer getLayersTotal() {
    return layersTotal;
  }

  public Long getBytesIn() {
    return bytesIn;
  }

  public Long getBytesOut() {
    return bytesOut;
  }

  public Long getSourceSize() {
    return sourceSize;
  }

  public Long getTargetSize() {
    return targetSize;
  }

  public Integer getLayersConverted() {
    return layersConverted;
  }

  public Integer getLayersFromCache() {
    return layersFromCache;
  }

  /** Duration per phase of a finished conversion, in milliseconds; null before that. */
  public Map<String, Long> getPhaseMillis() {
    return phaseMillis == null
        ? null
        : JsonCodec.decode(phaseMillis.getBytes(StandardCharsets.UTF_8), Phases.class)
            .phaseMillis();
  }

  /** The stored JSON shape; a typed wrapper so the values read back as Long. */
  record Phases(Map<String, Long> phaseMillis) {}

  public Instant getCreatedAt() {
    return createdAt;
  }

  public Instant getUpdatedAt() {
    return updatedAt;
  }

  public Instant getQueuedAt() {
    return queuedAt;
  }

  public Instant getStartedAt() {
    return startedAt;
  }

  public Instant getFinishedAt() {
    return finishedAt;
  }
}
