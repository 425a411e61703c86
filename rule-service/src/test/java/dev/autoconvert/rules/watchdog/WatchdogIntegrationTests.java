package dev.autoconvert.rules.watchdog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoconvert.contracts.ConversionRequest;
import dev.autoconvert.contracts.ConversionStatus;
import dev.autoconvert.contracts.FailureCode;
import dev.autoconvert.contracts.JobStatus;
import dev.autoconvert.contracts.JsonCodec;
import dev.autoconvert.rules.IntegrationTestSupport;
import dev.autoconvert.rules.job.Jobs;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The watchdog against the real PostgreSQL: jobs are written with the update times a test needs,
 * and sweeps run at the time the test passes (the scheduled sweep is off in tests). Sweeps handle
 * every stalled job in the shared database, so assertions look at this test's jobs only.
 */
class WatchdogIntegrationTests extends IntegrationTestSupport {
  /** Well past the default 30 minute stall timeout. */
  private static final Duration LONG_AGO = Duration.ofHours(2);

  @Autowired Watchdog watchdog;
  @Autowired Jobs jobs;
  @Autowired MeterRegistry meters;

  private static UUID insertJob(JobStatus status, int attempts, int requeues, Duration silentFor)
      throws Exception {
    return insertJob(status, attempts, requeues, silentFor, silentFor.plusMinutes(5));
  }

  private static UUID insertJob(
      JobStatus status, int attempts, int requeues, Duration silentFor, Duration age)
      throws Exception {
    return insertJob(
        "watchdog-" + RUN + "/app",
        status,
        attempts,
        requeues,
        Instant.now().minus(age),
        Instant.now().minus(silentFor));
  }

  private static String status(UUID job) throws Exception {
    return queryString("SELECT status FROM conversion_jobs WHERE id = ?", job);
  }

  private static long transitions(UUID job) throws Exception {
    return queryLong("SELECT count(*) FROM job_transitions WHERE job_id = ?", job);
  }

  private static long outboxRows(UUID job) throws Exception {
    return queryLong("SELECT count(*) FROM outbox WHERE aggregate_id = ?", job);
  }

  private double counted(String action) {
    return meters.counter("autoconvert.watchdog.jobs", "action", action).count();
  }

  @Test
  void stalledRunningJobIsRequeuedAsTheNextAttemptWithATransitionAndAnOutboxRow() throws Exception {
    UUID job = insertJob(JobStatus.RUNNING, 2, 0, LONG_AGO);
    double requeuedBefore = counted("requeued");

    watchdog.sweep(Instant.now());

    assertThat(status(job)).isEqualTo("RETRYING");
    assertThat(queryString("SELECT failure_code FROM conversion_jobs WHERE id = ?", job))
        .isEqualTo("STALLED");
    assertThat(queryLong("SELECT requeues FROM conversion_jobs WHERE id = ?", job)).isOne();
    // the attempts stay until the new attempt reports: the stalled one may still finish
    assertThat(queryLong("SELECT attempts FROM conversion_jobs WHERE id = ?", job)).isEqualTo(2);
    assertThat(
            queryString(
                "SELECT from_status || '>' || to_status || ' ' || failure_code || ' ' || reason"
                    + " FROM job_transitions WHERE job_id = ?",
                job))
        .isEqualTo(
            "RUNNING>RETRYING STALLED no progress for 30m in RUNNING;"
                + " re-queued by watchdog (1 of 3)");
    try (Connection c = db();
        var sql =
            c.prepareStatement(
                "SELECT topic, message_key, payload FROM outbox WHERE aggregate_id = ?")) {
      sql.setObject(1, job);
      var rs = sql.executeQuery();
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo(REQUESTS_TOPIC);
      ConversionRequest request = JsonCodec.decode(rs.getBytes(3), ConversionRequest.class);
      assertThat(rs.getString(2)).isEqualTo(request.key());
      assertThat(request.jobId()).isEqualTo(job);
      assertThat(request.attempt()).isEqualTo(3);
      assertThat(request.sequence()).isEqualTo(7);
      assertThat(rs.next()).isFalse();
    }
    assertThat(counted("requeued")).isGreaterThanOrEqualTo(requeuedBefore + 1);
  }

  @Test
  void requeueWhoseOutboxRowCannotBeWrittenLeavesTheJobAsItWas() throws Exception {
    UUID job = insertJob(JobStatus.QUEUED, 0, 0, LONG_AGO);
    String trigger = "outbox_refuses_" + RUN.replace('-', '_');
    try (Connection c = db();
        var ddl = c.createStatement()) {
      ddl.execute(
          """
          CREATE FUNCTION %s() RETURNS trigger AS $$
          BEGIN
            IF NEW.aggregate_id = '%s' THEN RAISE EXCEPTION 'outbox refuses the row'; END IF;
            RETURN NEW;
          END $$ LANGUAGE plpgsql"""
              .formatted(trigger, job));
      ddl.execute(
          "CREATE TRIGGER %s BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION %s()"
              .formatted(trigger, trigger));
    }
    try {
      assertThatThrownBy(() -> watchdog.sweep(Instant.now()))
          .hasStackTraceContaining("outbox refuses the row");
    } finally {
      try (Connection c = db();
          var ddl = c.createStatement()) {
        ddl.execute("DROP TRIGGER %s ON outbox".formatted(trigger));
        ddl.execute("DROP FUNCTION %s()".formatted(trigger));
      }
    }

    assertThat(status(job)).isEqualTo("QUEUED");
    assertThat(queryLong("SELECT requeues FROM conversion_jobs WHERE id = ?", job)).isZero();
    assertThat(transitions(job)).isZero();
    assertThat(outboxRows(job)).isZero();
  }

  @Test
  void jobPastItsRequeuesEndsFailedWithTheStalledCodeAndAReason() throws Exception {
    UUID job = insertJob(JobStatus.RETRYING, 4, 3, LONG_AGO);
    double failedBefore = counted("failed");

    watchdog.sweep(Instant.now());

    assertThat(status(job)).isEqualTo("FAILED");
    assertThat(
            queryString(
                "SELECT failure_code || ' ' || reason FROM conversion_jobs"
                    + " WHERE id = ? AND finished_at IS NOT NULL",
                job))
        .isEqualTo(
            "STALLED no progress for 30m in RETRYING after 3 re-queues by watchdog; gave up");
    assertThat(
            queryString(
                "SELECT from_status || '>' || to_status || ' ' || failure_code"
                    + " FROM job_transitions WHERE job_id = ?",
                job))
        .isEqualTo("RETRYING>FAILED STALLED");
    assertThat(outboxRows(job)).isZero();
    assertThat(counted("failed")).isGreaterThanOrEqualTo(failedBefore + 1);
  }

  @Test
  void jobsWithRecentProgressAreLeftAlone() throws Exception {
    List<UUID> recent =
        List.of(
            insertJob(JobStatus.QUEUED, 0, 0, Duration.ofMinutes(1)),
            insertJob(JobStatus.RUNNING, 1, 0, Duration.ofMinutes(29)),
            insertJob(JobStatus.RETRYING, 1, 0, Duration.ofMinutes(5)));

    watchdog.sweep(Instant.now());

    for (UUID job : recent) {
      assertThat(transitions(job)).as("transitions of %s", job).isZero();
      assertThat(outboxRows(job)).isZero();
    }
    assertThat(status(recent.get(1))).isEqualTo("RUNNING");
  }

  @Test
  void terminalAndPendingJobsAreNeverTouched() throws Exception {
    List<UUID> untouchable = new ArrayList<>();
    for (JobStatus status :
        List.of(
            JobStatus.PENDING,
            JobStatus.SUCCEEDED,
            JobStatus.FAILED,
            JobStatus.SKIPPED,
            JobStatus.SUPERSEDED)) {
      untouchable.add(insertJob(status, 1, 0, Duration.ofDays(3)));
    }

    watchdog.sweep(Instant.now());

    for (UUID job : untouchable) {
      assertThat(transitions(job)).as("transitions of %s", job).isZero();
      assertThat(outboxRows(job)).isZero();
      assertThat(queryLong("SELECT requeues FROM conversion_jobs WHERE id = ?", job)).isZero();
    }
  }

  @Test
  void jobWhoseRequestStillWaitsInTheOutboxIsNotStalled() throws Exception {
    UUID job = insertJob(JobStatus.QUEUED, 0, 0, LONG_AGO);
    try (Connection c = db()) {
      // Hold an unsent request of the job, as an unreachable Kafka would. The relay of this test
      // context may send a row between its insert and the lock: then lock a new one.
      boolean held = false;
      for (int i = 0; i < 20 && !held; i++) {
        c.setAutoCommit(true);
        try (var insert =
            c.prepareStatement(
                "INSERT INTO outbox (aggregate_id, topic, message_key, payload, created_at)"
                    + " VALUES (?, ?, ?, ?, now())")) {
          insert.setObject(1, job);
          insert.setString(2, REQUESTS_TOPIC);
          insert.setString(3, "watchdog-test-" + RUN);
          insert.setBytes(4, "{}".getBytes(StandardCharsets.UTF_8));
          insert.executeUpdate();
        }
        c.setAutoCommit(false);
        try (var lock =
            c.prepareStatement(
                "SELECT id FROM outbox WHERE aggregate_id = ? AND sent_at IS NULL FOR UPDATE")) {
          lock.setObject(1, job);
          held = lock.executeQuery().next();
        }
      }
      assertThat(held).as("an unsent outbox row of the job is held").isTrue();

      watchdog.sweep(Instant.now());
      c.rollback();
    }

    assertThat(transitions(job)).isZero();
    assertThat(status(job)).isEqualTo("QUEUED");
  }

  @Test
  void jobsWaitingBehindAConversionStillMakingProgressAreABacklogNotStalled() throws Exception {
    // requested 2h ago, behind a job that existed then and still reports progress
    UUID converting =
        insertJob(JobStatus.RUNNING, 1, 0, Duration.ofMinutes(1), Duration.ofHours(3));
    UUID queued = insertJob(JobStatus.QUEUED, 0, 0, LONG_AGO);
    UUID requeued = insertJob(JobStatus.RETRYING, 1, 1, LONG_AGO);
    UUID silentRunning = insertJob(JobStatus.RUNNING, 1, 0, LONG_AGO);
    try {
      watchdog.sweep(Instant.now());

      assertThat(transitions(queued)).isZero();
      assertThat(transitions(requeued)).isZero();
      // a running job's silence is its own
      assertThat(status(silentRunning)).isEqualTo("RETRYING");
    } finally {
      jobs.applyStatus(update(converting, 1, JobStatus.SUCCEEDED));
    }

    watchdog.sweep(Instant.now());

    assertThat(status(queued)).isEqualTo("RETRYING");
    assertThat(queryLong("SELECT requeues FROM conversion_jobs WHERE id = ?", requeued))
        .isEqualTo(2);
  }

  @Test
  void jobLockedByAnotherInstanceIsSkippedAndHandledOnceReleased() throws Exception {
    UUID job = insertJob(JobStatus.RUNNING, 1, 0, LONG_AGO);
    try (HeldRow lock = holdingRow("conversion_jobs", "id", job)) {
      watchdog.sweep(Instant.now());
      assertThat(transitions(job)).isZero();
    }

    watchdog.sweep(Instant.now());

    assertThat(status(job)).isEqualTo("RETRYING");
    assertThat(transitions(job)).isOne();
  }

  @Test
  void watchdogsOfSeveralInstancesSweepingAtOnceRequeueAJobOnce() throws Exception {
    List<UUID> stalled = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      stalled.add(insertJob(JobStatus.RUNNING, 1, 0, LONG_AGO));
    }
    int instances = 4;
    CyclicBarrier start = new CyclicBarrier(instances);
    ExecutorService pool = Executors.newFixedThreadPool(instances);
    try {
      List<Future<Watchdog.Sweep>> sweeps = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        sweeps.add(
            pool.submit(
                () -> {
                  start.await();
                  return watchdog.sweep(Instant.now());
                }));
      }
      for (Future<Watchdog.Sweep> sweep : sweeps) {
        sweep.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    for (UUID job : stalled) {
      assertThat(transitions(job)).as("transitions of %s", job).isOne();
      assertThat(outboxRows(job)).as("requests of %s", job).isOne();
      assertThat(queryLong("SELECT requeues FROM conversion_jobs WHERE id = ?", job)).isOne();
    }
  }

  @Test
  void slowWorkersLateUpdatesStillApplyAfterARequeueAndTheNewAttemptTakesOver() throws Exception {
    UUID slow = insertJob(JobStatus.RUNNING, 1, 0, LONG_AGO);
    UUID dead = insertJob(JobStatus.RUNNING, 1, 0, LONG_AGO);
    watchdog.sweep(Instant.now());
    assertThat(status(slow)).isEqualTo("RETRYING");
    assertThat(status(dead)).isEqualTo("RETRYING");

    // the stalled attempt 1 was only slow: its result still counts
    jobs.applyStatus(update(slow, 1, JobStatus.SUCCEEDED));
    assertThat(status(slow)).isEqualTo("SUCCEEDED");
    // and the re-queued attempt 2 converting the same push again changes nothing
    jobs.applyStatus(update(slow, 2, JobStatus.FAILED));
    assertThat(status(slow)).isEqualTo("SUCCEEDED");

    // the worker of attempt 1 is gone: attempt 2 takes over, and attempt 1 is stale from then on
    jobs.applyStatus(update(dead, 2, JobStatus.RUNNING));
    assertThat(queryLong("SELECT attempts FROM conversion_jobs WHERE id = ?", dead)).isEqualTo(2);
    jobs.applyStatus(update(dead, 1, JobStatus.FAILED));
    assertThat(status(dead)).isEqualTo("RUNNING");
    jobs.applyStatus(update(dead, 2, JobStatus.SUCCEEDED));
    assertThat(status(dead)).isEqualTo("SUCCEEDED");
  }

  private static ConversionStatus update(UUID job, int attempt, JobStatus status) {
    return new ConversionStatus(
        job,
        attempt,
        status,
        "worker-" + attempt,
        Instant.now(),
        status == JobStatus.FAILED ? FailureCode.INTERNAL_ERROR : null,
        status == JobStatus.FAILED ? "test" : null,
        null,
        null,
        null);
  }
}
