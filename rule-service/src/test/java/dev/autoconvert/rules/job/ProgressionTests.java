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

import dev.autoconvert.contracts.FailureCode;
import dev.autoconvert.contracts.JobStatus;
import org.junit.jupiter.api.Test;

class ProgressionTests {

  @Test
  void statusMovesForward() {
    assertThat(Progression.decide(at(PENDING, 0), at(QUEUED, 0))).isEqualTo(MOVE);
    assertThat(Progression.decide(at(QUEUED, 0), at(RUNNING, 1))).isEqualTo(MOVE);
    assertThat(Progression.decide(at(PENDING, 0), at(RUNNING, 1))).isEqualTo(MOVE);
    assertThat(Progression.decide(at(RUNNING, 1), at(SUCCEEDED, 1))).isEqualTo(MOVE);
  }

  @Test
  void lateUpdateAfterTheEndChangesNothing() {
    assertThat(Progression.decide(at(SUCCEEDED, 1), at(RUNNING, 1))).isEqualTo(IGNORE);
    assertThat(Progression.decide(at(SUCCEEDED, 1), at(FAILED, 1))).isEqualTo(IGNORE);
    assertThat(Progression.decide(at(SUPERSEDED, 1), at(SUCCEEDED, 2))).isEqualTo(IGNORE);
  }

  @Test
  void backwardUpdateChangesNothing() {
    assertThat(Progression.decide(at(RUNNING, 1), at(QUEUED, 1))).isEqualTo(IGNORE);
    assertThat(Progression.decide(at(QUEUED, 0), at(PENDING, 0))).isEqualTo(IGNORE);
  }

  @Test
  void repeatedRunningOnlyRefreshesProgress() {
    assertThat(Progression.decide(at(RUNNING, 1), at(RUNNING, 1))).isEqualTo(PROGRESS);
    assertThat(Progression.decide(at(RETRYING, 1), at(RETRYING, 1))).isEqualTo(IGNORE);
  }

  @Test
  void retriesAlternateRunningAndRetrying() {
    assertThat(Progression.decide(at(RUNNING, 1), at(RETRYING, 1))).isEqualTo(MOVE);
    assertThat(Progression.decide(at(RETRYING, 1), at(RUNNING, 2))).isEqualTo(MOVE);
    assertThat(Progression.decide(at(RUNNING, 1), at(RUNNING, 2))).isEqualTo(MOVE);
  }

  @Test
  void updateOfAnEarlierAttemptIsStale() {
    assertThat(Progression.decide(at(RETRYING, 2), at(RUNNING, 1))).isEqualTo(IGNORE);
    assertThat(Progression.decide(at(RUNNING, 2), at(FAILED, 1))).isEqualTo(IGNORE);
  }

  /**
   * A worker killed while retrying attempt 2 in-process leaves the request of attempt 1 to Kafka,
   * which delivers it again: that run's outcome is the job's, though numbered lower.
   */
  @Test
  void anEarlierAttemptThatMadeTheCopyEndsTheJob() {
    assertThat(Progression.decide(at(RUNNING, 2), at(SUCCEEDED, 1))).isEqualTo(MOVE);
    assertThat(Progression.decide(at(RETRYING, 3), at(SKIPPED, 1))).isEqualTo(MOVE);
    assertThat(Progression.decide(at(RUNNING, 2), at(SUPERSEDED, 1))).isEqualTo(MOVE);
    assertThat(Progression.decide(at(SUCCEEDED, 2), at(SUCCEEDED, 1))).isEqualTo(IGNORE);
  }

  /**
   * A worker stopped while it waits to retry attempt 1 reports the hand-over as RETRYING of attempt
   * 1, as the retry was: the changed cause is recorded, a repeated report of either is not.
   */
  @Test
  void aHandOverDuringARetrysWaitIsRecorded() {
    Progression.Step waiting = at(RETRYING, 1, FailureCode.REGISTRY_UNAVAILABLE);
    Progression.Step handedOver = at(RETRYING, 1, FailureCode.WORKER_STOPPED);
    assertThat(Progression.decide(waiting, handedOver)).isEqualTo(MOVE);
    assertThat(Progression.decide(handedOver, handedOver)).isEqualTo(IGNORE);
    assertThat(Progression.decide(handedOver, waiting)).isEqualTo(IGNORE);
    assertThat(Progression.decide(waiting, at(RETRYING, 1, FailureCode.DIGEST_MISMATCH)))
        .isEqualTo(IGNORE);
  }

  private static Progression.Step at(JobStatus status, int attempt) {
    return at(status, attempt, null);
  }

  private static Progression.Step at(JobStatus status, int attempt, FailureCode code) {
    return new Progression.Step(status, attempt, code);
  }
}
