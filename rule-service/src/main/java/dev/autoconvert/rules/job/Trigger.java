package dev.autoconvert.rules.job;

/** What made a job. */
public enum Trigger {
  /** a registry push event matched a rule */
  PUSH,
  /** POST /api/v1/conversions */
  MANUAL,
  /** POST /api/v1/conversions/{id}/retry */
  RETRY,
  /** the reconciler found a tag without its Nydus copy (invariant 9) */
  RECONCILE
}
