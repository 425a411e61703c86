package dev.autoconvert.rules.job;

import dev.autoconvert.contracts.JobStatus;

/**
 * Decides what a status update does to a job: status only moves forward (STYLE.md habit 12), so a
 * late or repeated update changes nothing. Attempts order updates across retries: an update of an
 * older attempt is stale, a newer attempt may restart RUNNING.
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
    if (current.terminal() || nextAttempt < currentAttempt) {
      return Effect.IGNORE;
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
