package dev.autoconvert.oci;

/**
 * Why a registry operation failed. Whether retrying can help is a property of the kind, never of
 * the message text; {@link #failureCode()} names the matching {@code
 * dev.autoconvert.contracts.FailureCode} constant so that callers can map it without this library
 * depending on the event contracts.
 */
public enum ErrorKind {
  /** 401/403 after the configured credentials (or none) were tried. */
  UNAUTHORIZED(false, "REGISTRY_UNAUTHORIZED"),
  /** 404: the repository, manifest, tag or blob does not exist. */
  NOT_FOUND(false, "SOURCE_NOT_FOUND"),
  /** Another 4xx: the registry refused a request (invalid manifest, unsupported type, too big). */
  REJECTED(false, "REGISTRY_REJECTED"),
  /** 429, 5xx or an I/O error, still failing after the retries. */
  UNAVAILABLE(true, "REGISTRY_UNAVAILABLE"),
  /** Content did not hash to the digest it was asked for or announced with. */
  DIGEST_MISMATCH(true, "DIGEST_MISMATCH"),
  /**
   * The registry could not be talked to as configured (TLS handshake failure, answer that breaks
   * the protocol). Retrying the same request will not help.
   */
  PROTOCOL(false, "REGISTRY_UNAVAILABLE");

  private final boolean retryable;
  private final String failureCode;

  ErrorKind(boolean retryable, String failureCode) {
    this.retryable = retryable;
    this.failureCode = failureCode;
  }

  public boolean retryable() {
    return retryable;
  }

  /** The name of the {@code FailureCode} constant a job failing with this kind reports. */
  public String failureCode() {
    return failureCode;
  }
}
