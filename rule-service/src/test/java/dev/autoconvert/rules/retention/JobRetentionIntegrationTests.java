package dev.autoconvert.rules.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.contracts.JobStatus;
import dev.autoconvert.rules.IntegrationTestSupport;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Retention of finished jobs against the real PostgreSQL. The tests' batch size is 5 (see {@link
 * IntegrationTestSupport}), the retention the default 90 days; every test uses targets of its own.
 */
class JobRetentionIntegrationTests extends IntegrationTestSupport {
  private static final Instant NOW = Instant.now();

  @Autowired JobRetention retention;

  /** A job into {@code target}:v1-nydus, created and last updated {@code days} ago. */
  private static UUID job(String target, JobStatus status, int days) throws SQLException {
    Instant at = NOW.minus(Duration.ofDays(days));
    return insertJob("job-retention-" + RUN + "/" + target, status, 1, 0, at, at);
  }

  private static boolean exists(UUID job) throws SQLException {
    return queryLong("SELECT count(*) FROM conversion_jobs WHERE id = ?", job) > 0;
  }

  private static boolean eventExists(String eventId) throws SQLException {
    return queryLong("SELECT count(*) FROM push_events WHERE event_id = ?", eventId) > 0;
  }

  private static void update(String sql, Object... params) throws SQLException {
    try (Connection c = db();
        var statement = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        statement.setObject(i + 1, params[i]);
      }
      statement.executeUpdate();
    }
  }

  /** A MATCHED push event that {@code jobs} were opened for. */
  private static String eventOf(String name, UUID... jobs) throws SQLException {
    String eventId =
        insertPushEvent(
            "job-retention-" + RUN + "-" + name, "job-retention/" + name, "MATCHED", Duration.ZERO);
    for (UUID job : jobs) {
      update("UPDATE conversion_jobs SET push_event_id = ? WHERE id = ?", eventId, job);
    }
    return eventId;
  }

  @Test
  void finishedJobsPastTheRetentionGoWithTheirTransitionsAndPushEvents() throws Exception {
    UUID old = job("a", JobStatus.SUCCEEDED, 200);
    UUID newest = job("a", JobStatus.SUCCEEDED, 100);
    update(
        "INSERT INTO job_transitions (job_id, from_status, to_status, attempt, at, reason)"
            + " VALUES (?, 'RUNNING', 'SUCCEEDED', 1, now(), 'done')",
        old);
    String event = eventOf("a", old);
    for (UUID job : List.of(old, newest)) {
      update(
          "INSERT INTO produced_digests (registry, digest, repository, job_id, recorded_at)"
              + " VALUES ('job-retention', ?, 'a', ?, now())",
          "sha256:" + job,
          job);
    }

    retention.purge(NOW);

    assertThat(exists(old)).isFalse();
    assertThat(queryLong("SELECT count(*) FROM job_transitions WHERE job_id = ?", old)).isZero();
    assertThat(eventExists(event)).isFalse();
    assertThat(queryLong("SELECT count(*) FROM produced_digests WHERE job_id = ?", old)).isZero();
    assertThat(queryLong("SELECT count(*) FROM produced_digests WHERE job_id = ?", newest)).isOne();
    assertThat(exists(newest))
        .as("the newest job into a target stays: intake and the reconciler read it")
        .isTrue();
  }

  @Test
  void recentUnfinishedAndStillReferencedJobsStay() throws Exception {
    UUID recent = job("b", JobStatus.FAILED, 89);
    job("b", JobStatus.SUCCEEDED, 1);
    UUID running = job("c", JobStatus.RUNNING, 200);
    job("c", JobStatus.SUCCEEDED, 100);
    UUID retried = job("d", JobStatus.FAILED, 200);
    UUID retry = job("d", JobStatus.SUCCEEDED, 150);
    update("UPDATE conversion_jobs SET retry_of = ? WHERE id = ?", retried, retry);
    UUID sharing = job("e", JobStatus.SUCCEEDED, 200);
    job("e", JobStatus.SUCCEEDED, 100);
    UUID otherRule = job("f", JobStatus.SUCCEEDED, 200); // newest into its target
    String shared = eventOf("shared", sharing, otherRule);

    retention.purge(NOW);

    assertThat(exists(recent)).as("within the retention").isTrue();
    assertThat(exists(running)).as("not finished").isTrue();
    assertThat(exists(retried)).as("a retry points at it").isTrue();
    assertThat(exists(sharing)).isFalse();
    assertThat(eventExists(shared)).as("another rule's job still refers to it").isTrue();
  }

  @Test
  void supersededJobsGoButTheNewestJobThatWasNotSupersededStays() throws Exception {
    UUID shown = job("g", JobStatus.SUCCEEDED, 300);
    UUID superseded = job("g", JobStatus.SUPERSEDED, 200);

    retention.purge(NOW);

    assertThat(exists(superseded)).isFalse();
    assertThat(exists(shown)).isTrue();
  }

  @Test
  void purgesOfSeveralInstancesSkipJobsAnotherHolds() throws Exception {
    UUID held = job("i", JobStatus.SUCCEEDED, 200);
    UUID free = job("j", JobStatus.SUCCEEDED, 200);
    job("i", JobStatus.SUCCEEDED, 1);
    job("j", JobStatus.SUCCEEDED, 1);
    try (HeldRow lock = holdingRow("conversion_jobs", "id", held)) {
      retention.purge(NOW); // returns instead of waiting for the lock
      assertThat(exists(free)).isFalse();
      assertThat(exists(held)).isTrue();
    }

    retention.purge(NOW);

    assertThat(exists(held)).isFalse();
  }

  @Test
  void oneInstancePurgesAtATimeAndTheOthersReturnAtOnce() throws Exception {
    UUID old = job("k", JobStatus.SUCCEEDED, 200);
    job("k", JobStatus.SUCCEEDED, 1);
    String key = "hashtextextended('autoconvert.job-retention', 0)";
    try (Connection other = db();
        var lock = other.prepareStatement("SELECT pg_advisory_lock(" + key + ")");
        var unlock = other.prepareStatement("SELECT pg_advisory_unlock(" + key + ")")) {
      lock.executeQuery(); // another instance's purge, in the middle of a batch
      assertThat(retention.purge(NOW)).isZero();
      assertThat(exists(old)).isTrue();
      // Explicitly: closing the connection releases the lock only when the server notices,
      // which may be after the purge below has already run.
      unlock.executeQuery();
    }

    retention.purge(NOW);

    assertThat(exists(old)).isFalse();
  }

  @Test
  void aBacklogIsDeletedBatchAfterBatch() throws Exception {
    List<UUID> old = new ArrayList<>();
    for (int i = 0; i < 12; i++) { // more than two batches of 5
      old.add(job("h" + i, JobStatus.SUCCEEDED, 200));
      job("h" + i, JobStatus.SUCCEEDED, 1);
    }

    assertThat(retention.purge(NOW)).isGreaterThanOrEqualTo(old.size());

    for (UUID job : old) {
      assertThat(exists(job)).isFalse();
    }
  }
}
