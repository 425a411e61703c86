package dev.autoconvert.worker.intake;

import dev.autoconvert.contracts.ConversionRequest;
import dev.autoconvert.contracts.ConversionStatus;
import dev.autoconvert.contracts.ConversionStatus.Progress;
import dev.autoconvert.contracts.ConversionStatus.Result;
import dev.autoconvert.contracts.FailureCode;
import dev.autoconvert.contracts.JobStatus;
import dev.autoconvert.worker.WorkerProperties;
import dev.autoconvert.worker.conversion.ConversionException;
import dev.autoconvert.worker.conversion.ImageConversion;
import dev.autoconvert.worker.conversion.Outcome;
import dev.autoconvert.worker.conversion.ProgressSink;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Runs one delivered request to a terminal status: RUNNING, progress, then SUCCEEDED, SKIPPED,
 * SUPERSEDED or FAILED; transient failures are retried with backoff (RETRYING in between) up to the
 * configured number of attempts, permanent ones fail at once. A worker that stops hands the request
 * over instead (see {@link WorkerStop}), and a cancelled job's conversion just ends (see {@link
 * Cancellations}).
 */
@Component
class JobRunner {
  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

  /** Histogram buckets of the phase times, from a cached layer's seconds to a huge image's. */
  private static final Duration[] PHASE_BUCKETS = {
    Duration.ofSeconds(1),
    Duration.ofSeconds(5),
    Duration.ofSeconds(15),
    Duration.ofMinutes(1),
    Duration.ofMinutes(5),
    Duration.ofMinutes(15),
    Duration.ofMinutes(30)
  };

  private final ImageConversion conversion;
  private final StatusPublisher publisher;
  private final Converting converting;
  private final WorkerStop stop;
  private final Cancellations cancellations;
  private final WorkerProperties properties;
  private final MeterRegistry meters;
  private final Clock clock;

  JobRunner(
      ImageConversion conversion,
      StatusPublisher publisher,
      Converting converting,
      WorkerStop stop,
      Cancellations cancellations,
      WorkerProperties properties,
      MeterRegistry meters) {
    this.conversion = conversion;
    this.publisher = publisher;
    this.converting = converting;
    this.stop = stop;
    this.cancellations = cancellations;
    this.properties = properties;
    this.meters = meters;
    this.clock = Clock.systemUTC();
  }

  /**
   * Converts until a terminal status is published, or until the worker stops: then the request goes
   * back to Kafka as its next attempt, for another worker (RETRYING, {@code WORKER_STOPPED}).
   *
   * @param queuedMillis how long the request waited in Kafka before this worker took it
   * @return false when the worker was stopping before it took the request, which must then stay
   *     unacknowledged for the partition's next owner
   */
  boolean run(ConversionRequest request, long queuedMillis) {
    try (Converting.Handle underWay = converting.enter(request.jobId())) {
      // an interrupt meant for this thread's previous job; a stop is seen below
      Thread.interrupted();
      cancellations.awaitBacklog();
      if (stop.requested()) {
        return false;
      }
      if (cancellations.cancelled(request.jobId())) {
        log.info("job {} was cancelled: its request is skipped", request.jobId());
        return true;
      }
      convert(request, queuedMillis);
      return true;
    }
  }

  /**
   * Whether the conversion ended because the job was cancelled: then nothing more is sent, since
   * rule-service already ended the job, and the request is done with.
   */
  private boolean cancelled(ConversionRequest request) {
    if (!cancellations.cancelled(request.jobId())) {
      return false;
    }
    Thread.interrupted();
    log.info("job {} was cancelled: its conversion stopped", request.jobId());
    return true;
  }

  /**
   * Whether a failure was the conversion being interrupted, by a cancellation or the worker's stop
   * (it fails with whatever it was doing): then the request is done with, or handed over.
   */
  private boolean interrupted(ConversionRequest request, Reporter reporter) {
    if (cancelled(request)) {
      return true;
    }
    if (stop.requested()) {
      reporter.handOver();
      return true;
    }
    return false;
  }

  private void convert(ConversionRequest request, long queuedMillis) {
    WorkerProperties.Retry retry = properties.retry();
    for (int tried = 1; ; tried++) {
      int attempt = request.attempt() + tried - 1;
      Reporter reporter = new Reporter(request, attempt);
      reporter.send(JobStatus.RUNNING, null, null, null, null, null);
      try {
        Outcome outcome = conversion.convert(request, reporter);
        Thread.interrupted(); // a stop that came when the work was done changes nothing
        reporter.finish(outcome, queuedMillis);
        return;
      } catch (ConversionException e) {
        if (interrupted(request, reporter)) {
          return;
        }
        if (!e.retryable()) {
          reporter.fail(e.code(), e.getMessage());
          return;
        }
        if (tried >= retry.maxAttempts()) {
          reporter.fail(
              FailureCode.RETRIES_EXHAUSTED,
              "gave up after %d attempts; last failure %s: %s"
                  .formatted(tried, e.code(), e.getMessage()));
          return;
        }
        Duration wait = retry.backoffAfter(tried);
        log.warn(
            "job {} attempt {} failed with {} ({}); retrying in {}",
            request.jobId(),
            attempt,
            e.code(),
            e.getMessage(),
            wait);
        reporter.send(
            JobStatus.RETRYING,
            e.code(),
            "%s; attempt %d of %d in %s"
                .formatted(e.getMessage(), tried + 1, retry.maxAttempts(), wait),
            null,
            null,
            null);
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException stopping) {
          if (!cancelled(request)) {
            reporter.handOver();
          }
          return;
        }
      } catch (RuntimeException e) {
        if (interrupted(request, reporter)) {
          return;
        }
        log.error("job {} failed unexpectedly", request.jobId(), e);
        reporter.fail(FailureCode.INTERNAL_ERROR, e.toString());
        return;
      }
    }
  }

  /** Status updates of one attempt. */
  private final class Reporter implements ProgressSink {
    private final ConversionRequest request;
    private final int attempt;

    Reporter(ConversionRequest request, int attempt) {
      this.request = request;
      this.attempt = attempt;
    }

    @Override
    public void progress(Progress progress) {
      stopIfCancelled();
      send(JobStatus.RUNNING, null, null, null, progress, null);
    }

    /** Called before the target tag moves: the last moment a cancellation can keep it still. */
    @Override
    public void targetDigest(String digest, Progress progress) {
      stopIfCancelled();
      send(JobStatus.RUNNING, null, null, digest, progress, null);
    }

    /** Ends the conversion of a cancelled job at the next report, should no interrupt have. */
    private void stopIfCancelled() {
      if (cancellations.cancelled(request.jobId())) {
        throw new CancellationException("job " + request.jobId() + " was cancelled");
      }
    }

    void finish(Outcome outcome, long queuedMillis) {
      if (outcome instanceof Outcome.Succeeded s) {
        Map<String, Long> phases = new LinkedHashMap<>();
        phases.put("queue", queuedMillis);
        phases.putAll(s.result().phaseMillis());
        Result result =
            new Result(
                s.result().sourceSize(),
                s.result().targetSize(),
                s.result().layersConverted(),
                s.result().layersFromCache(),
                phases);
        send(JobStatus.SUCCEEDED, null, null, s.targetDigest(), null, result);
        record(result);
      } else if (outcome instanceof Outcome.Skipped s) {
        send(JobStatus.SKIPPED, null, s.reason(), null, null, null);
      } else if (outcome instanceof Outcome.Superseded s) {
        send(JobStatus.SUPERSEDED, null, s.reason(), s.targetDigest(), null, null);
      }
    }

    /** What dashboards chart per worker: time per phase, bytes, and layer-cache hits. */
    private void record(Result result) {
      result
          .phaseMillis()
          .forEach(
              (phase, millis) ->
                  Timer.builder("autoconvert.worker.phase")
                      .description("time a successful conversion spent in each phase")
                      .tag("phase", phase)
                      .serviceLevelObjectives(PHASE_BUCKETS)
                      .register(meters)
                      .record(Duration.ofMillis(millis)));
      meters.counter("autoconvert.worker.bytes", "direction", "in").increment(result.sourceSize());
      meters.counter("autoconvert.worker.bytes", "direction", "out").increment(result.targetSize());
      meters
          .counter("autoconvert.worker.layers", "source", "converted")
          .increment(result.layersConverted());
      meters
          .counter("autoconvert.worker.layers", "source", "cache")
          .increment(result.layersFromCache());
    }

    /**
     * Queues the next attempt for another worker, then says so. Sent in this order, a failure in
     * between leaves the request unacknowledged: at worst converted twice, never lost.
     */
    void handOver() {
      Thread.interrupted(); // the stop's interrupt must not fail the sends
      publisher.requeue(request.withAttempt(attempt + 1));
      log.info("job {} attempt {} handed over: the worker is stopping", request.jobId(), attempt);
      send(
          JobStatus.RETRYING,
          FailureCode.WORKER_STOPPED,
          "worker %s stopped during attempt %d; attempt %d is queued for another worker"
              .formatted(properties.id(), attempt, attempt + 1),
          null,
          null,
          null);
    }

    void fail(FailureCode code, String reason) {
      log.warn("job {} failed: {} {}", request.jobId(), code, reason);
      send(JobStatus.FAILED, code, reason, null, null, null);
    }

    void send(
        JobStatus status,
        FailureCode code,
        String reason,
        String targetDigest,
        Progress progress,
        Result result) {
      publisher.publish(
          new ConversionStatus(
              request.jobId(),
              attempt,
              status,
              properties.id(),
              clock.instant(),
              code,
              reason,
              targetDigest,
              progress,
              result));
      if (status.terminal() || status == JobStatus.RETRYING) {
        meters
            .counter(
                "autoconvert.worker.conversions",
                "status",
                status.name(),
                "code",
                code == null ? "none" : code.name())
            .increment();
      }
    }
  }
}
