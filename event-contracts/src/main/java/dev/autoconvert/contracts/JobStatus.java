package dev.autoconvert.contracts;

/**
 * Job states (DESIGN.md "Job states"). Status only moves forward: an update whose rank is lower
 * than the current one is ignored, and terminal states never change.
 */
public enum JobStatus {
  PENDING(0),
  QUEUED(1),
  RUNNING(2),
  RETRYING(2),
  SUCCEEDED(9),
  FAILED(9),
  SKIPPED(9),
  SUPERSEDED(9),
  /** ended by an operator: no worker converts it further, and none moves its target tag */
  CANCELLED(9);

  private final int rank;

  JobStatus(int rank) {
    this.rank = rank;
  }

  public boolean terminal() {
    return rank == 9;
  }

  /**
   * Whether a job in this state may move to {@code next}. RUNNING and RETRYING alternate between
   * attempts; nothing leaves a terminal state.
   */
  public boolean canMoveTo(JobStatus next) {
    if (terminal()) {
      return false;
    }
    return next.rank > rank || (next.rank == rank && next != this);
  }
}
