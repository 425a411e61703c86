package dev.autoconvert.rules.job;

import static dev.autoconvert.contracts.JobStatus.FAILED;
import static dev.autoconvert.contracts.JobStatus.PENDING;
import static dev.autoconvert.contracts.JobStatus.QUEUED;
import static dev.autoconvert.contracts.JobStatus.RETRYING;
import static dev.autoconvert.contracts.JobStatus.RUNNING;
import static dev.autoconvert.contracts.JobStatus.SKIPPED;
import static dev.autoconvert.contracts.JobStatus.SUCCEEDED;
import static dev.autoconvert.contracts.JobStatus.SUPERSEDED;
import static dev.autoconvert.rules.job.Progression.Effect.IGNORE;
import static dev.autoconvert.rules.job.Progression.Effect.MOVE;
import static dev.autoconvert.rules.job.Progression.Effect.PROGRESS;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressionTests {

  @Test
  void statusMovesForward() {
    assertThat(Progression.decide(PENDING, 0, QUEUED, 0)).isEqualTo(MOVE);
    assertThat(Progression.decide(QUEUED, 0, RUNNING, 1)).isEqualTo(MOVE);
    assertThat(Progression.decide(PENDING, 0, RUNNING, 1)).isEqualTo(MOVE);
    assertThat(Progression.decide(RUNNING, 1, SUCCEEDED, 1)).isEqualTo(MOVE);
  }

  @Test
  void lateUpdateAfterTheEndChangesNothing() {
    assertThat(Progression.decide(SUCCEEDED, 1, RUNNING, 1)).isEqualTo(IGNORE);
    assertThat(Progression.decide(SUCCEEDED, 1, FAILED, 1)).isEqualTo(IGNORE);
    assertThat(Progression.decide(SUPERSEDED, 1, SUCCEEDED, 2)).isEqualTo(IGNORE);
  }

  @Test
  void backwardUpdateChangesNothing() {
    assertThat(Progression.decide(RUNNING, 1, QUEUED, 1)).isEqualTo(IGNORE);
    assertThat(Progression.decide(QUEUED, 0, PENDING, 0)).isEqualTo(IGNORE);
  }

  @Test
  void repeatedRunningOnlyRefreshesProgress() {
    assertThat(Progression.decide(RUNNING, 1, RUNNING, 1)).isEqualTo(PROGRESS);
    assertThat(Progression.decide(RETRYING, 1, RETRYING, 1)).isEqualTo(IGNORE);
  }

  @Test
  void retriesAlternateRunningAndRetrying() {
    assertThat(Progression.decide(RUNNING, 1, RETRYING, 1)).isEqualTo(MOVE);
    assertThat(Progression.decide(RETRYING, 1, RUNNING, 2)).isEqualTo(MOVE);
    assertThat(Progression.decide(RUNNING, 1, RUNNING, 2)).isEqualTo(MOVE);
  }

  @Test
  void updateOfAnEarlierAttemptIsStale() {
    assertThat(Progression.decide(RETRYING, 2, RUNNING, 1)).isEqualTo(IGNORE);
    assertThat(Progression.decide(RUNNING, 2, FAILED, 1)).isEqualTo(IGNORE);
  }

  /**
   * A worker killed while retrying attempt 2 in-process leaves the request of attempt 1 to Kafka,
   * which delivers it again: that run's outcome is the job's, though numbered lower.
   */
  @Test
  void anEarlierAttemptThatMadeTheCopyEndsTheJob() {
    assertThat(Progression.decide(RUNNING, 2, SUCCEEDED, 1)).isEqualTo(MOVE);
    assertThat(Progression.decide(RETRYING, 3, SKIPPED, 1)).isEqualTo(MOVE);
    assertThat(Progression.decide(RUNNING, 2, SUPERSEDED, 1)).isEqualTo(MOVE);
    assertThat(Progression.decide(SUCCEEDED, 2, SUCCEEDED, 1)).isEqualTo(IGNORE);
  }
}
