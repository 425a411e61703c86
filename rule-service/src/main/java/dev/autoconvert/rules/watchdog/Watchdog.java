package dev.autoconvert.rules.watchdog;

import dev.autoconvert.contracts.FailureCode;
import dev.autoconvert.rules.RulesProperties;
import dev.autoconvert.rules.job.ConversionJob;
import dev.autoconvert.rules.job.Jobs;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Invariant 6 when no status comes: a worker died after taking a request and the redelivery reports
 * an attempt the job has passed, a status message was lost, a request was dropped. A job in QUEUED,
 * RUNNING or RETRYING without any update for the stall timeout is requested again through the
 * outbox, at most {@code maxRequeues} times, and then fails with {@link FailureCode#STALLED}. A job
 * waiting behind a backlog is not stalled (see {@code JobRepository.lockStalled}).
 *
 * <p>Several instances sweep at once safely: each job is locked {@code FOR UPDATE SKIP LOCKED} and
 * changed with its outbox row in that transaction, and a changed job has a fresh update time, so
 * another instance either skips it while it is locked or no longer finds it stalled afterwards.
 *
 * <p>A slow but alive worker is harmless. Its late updates still move the job forward: the job's
 * attempts stay until the new attempt reports, so they are not stale. The new request has the same
 * key, so it is converted after the first one on the same partition, not beside it; the worker's
 * push-order check then lets it move the target tag only if no newer push's conversion is there, so
 * at worst the tag is pushed again with a conversion of the same source and sequence.
 */
@Component
class Watchdog {
  private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

  /** Jobs per transaction: a large backlog of stalled jobs never holds every row lock at once. */
  static final int BATCH = 100;

  private final Jobs jobs;
  private final TransactionTemplate tx;
  private final RulesProperties.Watchdog config;
  private final Counter requeued;
  private final Counter failed;

  Watchdog(Jobs jobs, TransactionTemplate tx, MeterRegistry meters, RulesProperties properties) {
    this.jobs = jobs;
    this.tx = tx;
    this.config = properties.watchdog();
    this.requeued = counter(meters, "requeued");
    this.failed = counter(meters, "failed");
  }

  private static Counter counter(MeterRegistry meters, String action) {
    return Counter.builder("autoconvert.watchdog.jobs")
        .description("stalled jobs the watchdog requested again or failed")
        .tag("action", action)
        .register(meters);
  }

  /** What one sweep did. */
  record Sweep(int requeued, int failed) {
    int total() {
      return requeued + failed;
    }

    Sweep plus(Sweep other) {
      return new Sweep(requeued + other.requeued, failed + other.failed);
    }
  }

  @Scheduled(
      fixedDelayString = "${autoconvert.rules.watchdog.interval:1m}",
      initialDelayString = "${autoconvert.rules.watchdog.interval:1m}")
  void scheduledSweep() {
    try {
      sweep(Instant.now());
    } catch (RuntimeException e) {
      log.warn(
          "watchdog sweep failed, stalled jobs are looked at again next time: {}", e.toString());
    }
  }

  /** Handles every job stalled at {@code now}, batch by batch. */
  Sweep sweep(Instant now) {
    Instant cutoff = now.minus(config.stallTimeout());
    Sweep total = new Sweep(0, 0);
    Sweep batch;
    do {
      // handled jobs now carry an update time after the cutoff: the next batch finds others
      batch = tx.execute(status -> sweepBatch(jobs.lockStalled(cutoff, BATCH), now));
      requeued.increment(batch.requeued());
      failed.increment(batch.failed());
      total = total.plus(batch);
    } while (batch.total() == BATCH);
    return total;
  }

  private Sweep sweepBatch(List<ConversionJob> stalled, Instant now) {
    String silence = "no progress for " + compact(config.stallTimeout());
    int requeuedJobs = 0;
    for (ConversionJob job : stalled) {
      if (job.getRequeues() < config.maxRequeues()) {
        String why =
            "%s in %s; re-queued by watchdog (%d of %d)"
                .formatted(silence, job.getStatus(), job.getRequeues() + 1, config.maxRequeues());
        log.warn("job {}: {}", job.getId(), why);
        jobs.requeue(job, why, now);
        requeuedJobs++;
      } else {
        String why =
            "%s in %s after %d re-queues by watchdog; gave up"
                .formatted(silence, job.getStatus(), job.getRequeues());
        log.warn("job {} failed: {}", job.getId(), why);
        jobs.fail(job, FailureCode.STALLED, why, now);
      }
    }
    return new Sweep(requeuedJobs, stalled.size() - requeuedJobs);
  }

  /** "30m" rather than "PT30M": the reason is read by people. */
  static String compact(Duration duration) {
    long seconds = duration.toSeconds();
    if (seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
  }
}
