package dev.autoconvert.rules.job;

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

  public static Effect decide(
      JobStatus current, int currentAttempt, JobStatus next, int nextAttempt) {
    if (current.terminal()) {
      return Effect.IGNORE;
    }
    if (nextAttempt < currentAttempt) {
      // An earlier attempt that made the copy (a slow worker's, or one Kafka delivered again after
      // its worker died between retries, numbered below that worker's last try) ends the job; its
      // progress and failures are stale, the later attempt decides those.
      return next.terminal() && next != JobStatus.FAILED ? Effect.MOVE : Effect.IGNORE;
    }
    if (next == current) {
      if (nextAttempt > currentAttempt && !next.terminal()) {
        return Effect.MOVE; // RUNNING of attempt 2 after RUNNING of attempt 1 (RETRYING was lost)
      }
      return next == JobStatus.RUNNING ? Effect.PROGRESS : Effect.IGNORE;
    }
    return current.canMoveTo(next) ? Effect.MOVE : Effect.IGNORE;
  }
}
