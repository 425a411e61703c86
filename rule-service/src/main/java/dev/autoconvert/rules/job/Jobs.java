package dev.autoconvert.rules.job;

import dev.autoconvert.contracts.ConversionCancellation;
import dev.autoconvert.contracts.ConversionRequest;
import dev.autoconvert.contracts.ConversionStatus;
import dev.autoconvert.contracts.FailureCode;
import dev.autoconvert.contracts.JobStatus;
import dev.autoconvert.contracts.JsonCodec;
import dev.autoconvert.rules.RulesProperties;
import dev.autoconvert.rules.outbox.Outbox;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Opens jobs with their conversion request, and moves them through their states. */
@Service
public class Jobs {
  private static final Logger log = LoggerFactory.getLogger(Jobs.class);

  private final JobRepository jobs;
  private final TransitionRepository transitions;
  private final ProducedDigests produced;
  private final Outbox outbox;
  private final JdbcClient jdbc;
  private final String requestsTopic;
  private final String cancellationsTopic;
  private final ApplicationEventPublisher events;

  Jobs(
      JobRepository jobs,
      TransitionRepository transitions,
      ProducedDigests produced,
      Outbox outbox,
      JdbcClient jdbc,
      RulesProperties properties,
      ApplicationEventPublisher events) {
    this.jobs = jobs;
    this.transitions = transitions;
    this.produced = produced;
    this.outbox = outbox;
    this.jdbc = jdbc;
    this.requestsTopic = properties.topics().conversionRequests();
    this.cancellationsTopic = properties.topics().conversionCancellations();
    this.events = events;
  }

  /** The next value of the service-wide push order (ConversionRequest.sequence). */
  @Transactional(propagation = Propagation.MANDATORY)
  public long nextSequence() {
    return jdbc.sql("SELECT nextval('push_sequence')").query(Long.class).single();
  }

  /**
   * Records a job and, in the same transaction, its conversion request in the outbox. A target tag
   * longer than an OCI tag may be makes a FAILED job (TAG_TOO_LONG) and no request.
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public ConversionJob open(JobSpec spec) {
    Instant now = Instant.now();
    ConversionJob job = ConversionJob.pending(UUID.randomUUID(), spec, now);
    Optional<String> tooLong = TagLimit.tooLong(spec.sourceTag(), spec.tagSuffix());
    if (tooLong.isPresent()) {
      job.fail(FailureCode.TAG_TOO_LONG, tooLong.get(), now);
      jobs.save(job);
      record(
          job,
          new JobTransition(
              job.getId(),
              null,
              JobStatus.FAILED,
              0,
              null,
              FailureCode.TAG_TOO_LONG,
              tooLong.get(),
              now));
      log.info("job {} failed: {}", job.getId(), tooLong.get());
      return job;
    }
    jobs.save(job);
    record(
        job,
        new JobTransition(
            job.getId(), null, JobStatus.PENDING, 0, null, null, spec.trigger().name(), now));
    ConversionRequest request = job.request(1, spec.pushedAt());
    outbox.append(job.getId(), requestsTopic, request.key(), JsonCodec.encode(request));
    return job;
  }

  /**
   * Serialises, until the end of the transaction, everyone deciding whether to convert into this
   * target (intake, the reconciler, other instances), so a check followed by {@link #open} is
   * atomic.
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public void lockTarget(String registry, String targetRepository, String targetTag) {
    jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")
        .param(registry + "/" + targetRepository + ":" + targetTag)
        .query((rs, n) -> null)
        .list();
  }

  /**
   * The newest conversion into a target tag: its state, the source content it converts and, once it
   * succeeded, the manifest it pushed.
   */
  public record TargetConversion(JobStatus status, String sourceDigest, String targetDigest) {
    /** Whether it converts {@code digest} and has not failed: a new job would repeat it. */
    public boolean coversOrWillCover(String digest) {
      return isConverting(digest) || (digest.equals(sourceDigest) && status == JobStatus.SUCCEEDED);
    }

    /** Whether it converts {@code digest} and has not finished yet. */
    public boolean isConverting(String digest) {
      return digest.equals(sourceDigest) && !status.terminal();
    }
  }

  /**
   * The newest conversion into {@code registry/targetRepository:targetTag}, ignoring SUPERSEDED
   * ones (a newer push won; they say nothing about what the tag shows).
   */
  public Optional<TargetConversion> newestIntoTarget(
      String registry, String targetRepository, String targetTag) {
    return jdbc.sql(
            "SELECT status, source_digest, target_digest FROM conversion_jobs WHERE registry = ?"
                + " AND target_repository = ? AND target_tag = ? AND status <> 'SUPERSEDED'"
                + " ORDER BY created_at DESC LIMIT 1")
        .params(registry, targetRepository, targetTag)
        .query(
            (rs, n) ->
                new TargetConversion(
                    JobStatus.valueOf(rs.getString(1)), rs.getString(2), rs.getString(3)))
        .optional();
  }

  /** Which FAILED jobs a bulk retry takes; null and empty mean any. */
  public record FailedFilter(
      List<FailureCode> failureCodes, String sourceRepository, UUID ruleId, Instant since) {}

  /**
   * Locks up to {@code limit} FAILED jobs that are still the newest conversion into their target
   * (as {@link #newestIntoTarget} reads it: a failure a later job, a retry included, followed is
   * history), oldest first, for the caller's transaction. Jobs another transaction holds (a
   * concurrent bulk retry) are skipped, not waited for, so no job is retried twice.
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public List<UUID> lockFailedNewest(FailedFilter filter, int limit) {
    StringBuilder sql =
        new StringBuilder(
            """
            SELECT j.id FROM conversion_jobs j WHERE j.status = 'FAILED'
              AND NOT EXISTS (SELECT 1 FROM conversion_jobs n WHERE n.registry = j.registry
                AND n.target_repository = j.target_repository AND n.target_tag = j.target_tag
                AND n.status <> 'SUPERSEDED' AND n.created_at > j.created_at)""");
    Map<String, Object> params = new LinkedHashMap<>();
    if (filter.failureCodes() != null && !filter.failureCodes().isEmpty()) {
      sql.append(" AND j.failure_code IN (:codes)");
      params.put("codes", filter.failureCodes().stream().map(Enum::name).toList());
    }
    if (filter.sourceRepository() != null) {
      sql.append(" AND j.source_repository = :repository");
      params.put("repository", filter.sourceRepository());
    }
    if (filter.ruleId() != null) {
      sql.append(" AND j.rule_id = :ruleId");
      params.put("ruleId", filter.ruleId());
    }
    if (filter.since() != null) {
      sql.append(" AND j.created_at >= :since");
      params.put("since", Timestamp.from(filter.since()));
    }
    sql.append(" ORDER BY j.created_at LIMIT :limit FOR UPDATE OF j SKIP LOCKED");
    params.put("limit", limit);
    return jdbc.sql(sql.toString()).params(params).query(UUID.class).list();
  }

  /** Marks jobs QUEUED once the relay's requests were acknowledged; later states stay. */
  @Transactional(propagation = Propagation.MANDATORY)
  public void markQueued(Collection<UUID> jobIds) {
    if (jobIds.isEmpty()) {
      return;
    }
    jdbc.sql(
            """
            WITH queued AS (
              UPDATE conversion_jobs SET status = 'QUEUED', queued_at = now(), updated_at = now()
              WHERE id IN (:ids) AND status = 'PENDING' RETURNING id)
            INSERT INTO job_transitions (job_id, from_status, to_status, attempt, reason, at)
            SELECT id, 'PENDING', 'QUEUED', 0, 'published to conversion.requests', now()
            FROM queued""")
        .param("ids", List.copyOf(jobIds))
        .update();
  }

  /**
   * Locks up to {@code limit} jobs in QUEUED, RUNNING or RETRYING without any update since {@code
   * cutoff} and not waiting behind a backlog, oldest first, for the caller's transaction. Jobs
   * another transaction holds (a status update, another instance's watchdog) are skipped, not
   * waited for.
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public List<ConversionJob> lockStalled(Instant cutoff, int limit) {
    return jobs.lockStalled(cutoff, limit);
  }

  /**
   * Requests a stalled job again: RETRYING with the reason, and the next attempt's request in the
   * outbox, in the caller's transaction (invariant 2).
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public void requeue(ConversionJob job, String why, Instant now) {
    JobStatus before = job.getStatus();
    ConversionRequest request = job.requeue(why, now);
    record(
        job,
        new JobTransition(
            job.getId(),
            before,
            job.getStatus(),
            job.getAttempts(),
            null,
            job.getFailureCode(),
            why,
            now));
    outbox.append(job.getId(), requestsTopic, request.key(), JsonCodec.encode(request));
  }

  /**
   * Ends an unfinished job CANCELLED on an operator's word, recording the transition, and tells
   * every worker through the outbox, in the same transaction.
   *
   * @return the job's status before; a finished job is left as it is
   */
  @Transactional
  public Optional<JobStatus> cancel(UUID id, String actor) {
    Optional<ConversionJob> found = jobs.findForUpdate(id);
    if (found.isEmpty() || found.get().getStatus().terminal()) {
      return found.map(ConversionJob::getStatus);
    }
    ConversionJob job = found.get();
    JobStatus before = job.getStatus();
    Instant now = Instant.now();
    String why = "cancelled by " + actor;
    job.cancel(why, now);
    record(
        job,
        new JobTransition(
            job.getId(), before, JobStatus.CANCELLED, job.getAttempts(), null, null, why, now));
    ConversionCancellation cancellation = new ConversionCancellation(job.getId(), now);
    outbox.append(
        job.getId(), cancellationsTopic, cancellation.key(), JsonCodec.encode(cancellation));
    return Optional.of(before);
  }

  /** Ends a job FAILED on rule-service's own account, recording the transition. */
  @Transactional(propagation = Propagation.MANDATORY)
  public void fail(ConversionJob job, FailureCode code, String why, Instant now) {
    JobStatus before = job.getStatus();
    job.fail(code, why, now);
    record(
        job,
        new JobTransition(
            job.getId(), before, JobStatus.FAILED, job.getAttempts(), null, code, why, now));
  }

  /**
   * Applies a worker's status update if it moves the job forward; records the transition and the
   * target digest as our own output. Updates for unknown jobs are ignored. A worker can report
   * before the relay has recorded Kafka's acknowledgement of the request: the report proves the
   * request was queued, so the job passes through QUEUED rather than skip it.
   */
  @Transactional
  public Optional<Progression.Effect> applyStatus(ConversionStatus update) {
    Optional<ConversionJob> found = jobs.findForUpdate(update.jobId());
    if (found.isEmpty()) {
      return Optional.empty();
    }
    ConversionJob job = found.get();
    if (update.targetDigest() != null) {
      produced.record(
          job.getRegistry(), update.targetDigest(), job.getTargetRepository(), job.getId());
    }
    JobStatus before = job.getStatus();
    Instant at = update.at() == null ? Instant.now() : update.at();
    if (before == JobStatus.PENDING
        && Progression.decide(job.step(), Progression.Step.of(update)) == Progression.Effect.MOVE) {
      job.queued(at);
      record(
          job,
          new JobTransition(
              job.getId(),
              before,
              JobStatus.QUEUED,
              0,
              null,
              null,
              "delivered to a worker before the relay recorded the acknowledgement",
              at));
      before = JobStatus.QUEUED;
    }
    Progression.Effect effect = job.apply(update);
    if (effect == Progression.Effect.MOVE) {
      record(
          job,
          new JobTransition(
              job.getId(),
              before,
              job.getStatus(),
              update.attempt(),
              update.workerId(),
              update.failureCode(),
              update.reason(),
              update.at() == null ? job.getUpdatedAt() : update.at()));
    }
    return Optional.of(effect);
  }

  /**
   * Saves a transition; one into a terminal state also announces the finished job, in the same
   * transaction ({@link JobFinished}).
   */
  private void record(ConversionJob job, JobTransition transition) {
    transitions.save(transition);
    if (transition.getToStatus().terminal()) {
      events.publishEvent(new JobFinished(ConversionView.of(job)));
    }
  }
}
