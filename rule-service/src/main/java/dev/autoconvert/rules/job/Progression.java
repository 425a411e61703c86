package dev.autoconvert.rules.job;

import dev.autoconvert.contracts.ConversionStatus;
import dev.autoconvert.contracts.FailureCode;
import dev.autoconvert.contracts.JobStatus;

/**
 * Decides what a status update does to a job: status only moves forward (STYLE.md habit 12), so a
 * late or repeated update changes nothing. Attempts order updates across retries: an update of an
 * older attempt is stale unless it ends the job with the copy made, a newer attempt may restart
 * RUNNING.
 */
public final class Progression {
  private Progression() {}

  /** The effect of an update. */
  public enum Effect {
    /** record a transition to the new state */
    MOVE,
    /** same state and attempt: refresh progress figures only */
    PROGRESS,
    /** stale, repeated or backwards: change nothing */
    IGNORE
  }

  /** Where a job stands, or where an update would take it. */
  public record Step(JobStatus status, int attempt, FailureCode code) {
    static Step of(ConversionStatus update) {
      return new Step(update.status(), update.attempt(), update.failureCode());
    }
  }

  public static Effect decide(Step current, Step next) {
    if (current.status().terminal()) {
      return Effect.IGNORE;
    }
    if (next.attempt() < current.attempt()) {
      // An earlier attempt that made the copy (a slow worker's, or one Kafka delivered again after
      // its worker died between retries, numbered below that worker's last try) ends the job; its
      // progress and failures are stale, the later attempt decides those.
      return next.status().terminal() && next.status() != JobStatus.FAILED
          ? Effect.MOVE
          : Effect.IGNORE;
    }
    if (next.status() == current.status()) {
      if (next.attempt() > current.attempt() && !next.status().terminal()) {
        return Effect.MOVE; // RUNNING of attempt 2 after RUNNING of attempt 1 (RETRYING was lost)
      }
      if (handedOverWhileWaiting(current, next)) {
        return Effect.MOVE;
      }
      return next.status() == JobStatus.RUNNING ? Effect.PROGRESS : Effect.IGNORE;
    }
    return current.status().canMoveTo(next.status()) ? Effect.MOVE : Effect.IGNORE;
  }

  /**
   * A worker stopped while it waited to retry hands the request over in the same state and attempt
   * as the retry it announced; the hand-over is the news. Only in that direction: a retry's report
   * delivered again after it changes nothing.
   */
  private static boolean handedOverWhileWaiting(Step current, Step next) {
    return next.status() == JobStatus.RETRYING
        && next.code() == FailureCode.WORKER_STOPPED
        && current.code() != FailureCode.WORKER_STOPPED;
  }
}
