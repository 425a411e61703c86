package dev.autoconvert.worker.conversion;

import dev.autoconvert.contracts.FailureCode;

/**
 * A conversion failed for a reason named by a {@link FailureCode}; its flag says if retrying helps.
 */
public class ConversionException extends Exception {
  private final FailureCode code;

  public ConversionException(FailureCode code, String message) {
    this(code, message, null);
  }

  public ConversionException(FailureCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public FailureCode code() {
    return code;
  }

  public boolean retryable() {
    return code.retryable();
  }
}
