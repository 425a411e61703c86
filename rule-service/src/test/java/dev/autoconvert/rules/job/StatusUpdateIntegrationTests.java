package dev.autoconvert.rules.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.contracts.ConversionStatus;
import dev.autoconvert.contracts.FailureCode;
import dev.autoconvert.contracts.JobStatus;
import dev.autoconvert.rules.IntegrationTestSupport;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Worker status updates applied to jobs in the real PostgreSQL. */
class StatusUpdateIntegrationTests extends IntegrationTestSupport {
  @Autowired Jobs jobs;

  private static List<String> transitions(UUID job) throws Exception {
    List<String> moves = new ArrayList<>();
    try (Connection c = db();
        var sql =
            c.prepareStatement(
                "SELECT from_status, to_status FROM job_transitions WHERE job_id = ? ORDER BY id")) {
      sql.setObject(1, job);
      try (ResultSet rs = sql.executeQuery()) {
        while (rs.next()) {
          moves.add(rs.getString(1) + " -> " + rs.getString(2));
        }
      }
    }
    return moves;
  }

  private static ConversionStatus update(UUID job, JobStatus status, Instant at) {
    return update(job, 1, status, null, at);
  }

  private static ConversionStatus update(
      UUID job, int attempt, JobStatus status, FailureCode code, Instant at) {
    return new ConversionStatus(
        job, attempt, status, "worker-2", at, code, code == null ? null : "why", null, null, null);
  }

  @Test
  void workerReportingBeforeTheRelayMarkedTheJobQueuedStillPassesThroughQueued() throws Exception {
    Instant created = Instant.now().minusSeconds(5);
    UUID job = insertJob("status-" + RUN + "/app", JobStatus.PENDING, 0, 0, created, created);
    Instant started = Instant.now();

    assertThat(jobs.applyStatus(update(job, JobStatus.RUNNING, started)))
        .contains(Progression.Effect.MOVE);

    assertThat(transitions(job)).containsExactly("PENDING -> QUEUED", "QUEUED -> RUNNING");
    assertThat(queryString("SELECT status FROM conversion_jobs WHERE id = ?", job))
        .isEqualTo("RUNNING");
    assertThat(
            queryLong(
                "SELECT count(*) FROM conversion_jobs WHERE id = ? AND queued_at IS NOT NULL", job))
        .isOne();
  }

  @Test
  void staleUpdateOfAPendingJobRecordsNothing() throws Exception {
    Instant created = Instant.now().minusSeconds(5);
    UUID job = insertJob("status-" + RUN + "/app", JobStatus.PENDING, 2, 0, created, created);

    // attempt 1 is older than the job's attempt 2: ignored, so no implied QUEUED either
    assertThat(jobs.applyStatus(update(job, JobStatus.RUNNING, Instant.now())))
        .contains(Progression.Effect.IGNORE);

    assertThat(transitions(job)).isEmpty();
    assertThat(queryString("SELECT status FROM conversion_jobs WHERE id = ?", job))
        .isEqualTo("PENDING");
  }

  @Test
  void workerStoppedWhileWaitingToRetryIsRecordedAsAHandOver() throws Exception {
    Instant t = Instant.now().minusSeconds(10);
    UUID job = insertJob("status-" + RUN + "/app", JobStatus.QUEUED, 0, 0, t, t);
    ConversionStatus waiting =
        update(job, 1, JobStatus.RETRYING, FailureCode.REGISTRY_UNAVAILABLE, t.plusSeconds(2));
    jobs.applyStatus(update(job, 1, JobStatus.RUNNING, null, t.plusSeconds(1)));
    jobs.applyStatus(waiting);

    assertThat(
            jobs.applyStatus(
                update(job, 1, JobStatus.RETRYING, FailureCode.WORKER_STOPPED, t.plusSeconds(3))))
        .contains(Progression.Effect.MOVE);
    // Kafka may deliver the retry's report again: it does not undo the hand-over
    assertThat(jobs.applyStatus(waiting)).contains(Progression.Effect.IGNORE);
    assertThat(queryString("SELECT failure_code FROM conversion_jobs WHERE id = ?", job))
        .isEqualTo("WORKER_STOPPED");
    jobs.applyStatus(update(job, 2, JobStatus.RUNNING, null, t.plusSeconds(4)));

    assertThat(transitions(job))
        .containsExactly(
            "QUEUED -> RUNNING",
            "RUNNING -> RETRYING",
            "RETRYING -> RETRYING",
            "RETRYING -> RUNNING");
  }
}
