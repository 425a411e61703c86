package dev.autoconvert.contracts;

/**
 * Machine-readable reasons a job failed, each with whether retrying can help and a message a person
 * understands. Whether an error is transient comes from here, never from message text.
 */
public enum FailureCode {
  TAG_TOO_LONG(
      false,
      "the source tag plus the suffix is longer than the 128 characters an OCI tag may have"),
  SOURCE_NOT_FOUND(false, "the source image does not exist in the registry"),
  SOURCE_UNSUPPORTED(false, "the source is not a container image this service can convert"),
  LAYER_CORRUPT(false, "a source layer is corrupt or not a valid tar archive"),
  LAYER_TOO_LARGE(false, "a source layer exceeds the configured limits"),
  DIGEST_MISMATCH(true, "downloaded content did not match its digest"),
  REGISTRY_UNAUTHORIZED(false, "the registry refused the configured credentials"),
  REGISTRY_UNAVAILABLE(true, "the registry could not be reached or answered with a server error"),
  REGISTRY_REJECTED(false, "the registry rejected an upload"),
  SCRATCH_SPACE_EXHAUSTED(true, "the worker ran out of scratch disk space"),
  RETRIES_EXHAUSTED(
      false, "the conversion kept failing with transient errors until the retry limit"),
  STALLED(true, "no worker reported progress on the job for longer than the stall timeout"),
  WORKER_STOPPED(true, "the worker was stopped during the conversion and handed it to another"),
  INTERNAL_ERROR(false, "an unexpected error in the converter");

  private final boolean retryable;
  private final String description;

  FailureCode(boolean retryable, String description) {
    this.retryable = retryable;
    this.description = description;
  }

  public boolean retryable() {
    return retryable;
  }

  public String description() {
    return description;
  }
}
