package dev.autoconvert.oci;

import java.io.IOException;

/**
 * The one exception of the registry client. Its message names the action ("push blob sha256:… to
 * host/repo") and what went wrong; it never contains credentials or tokens. It is an {@link
 * IOException} so that streams returned by the client can throw it as is.
 */
public final class RegistryException extends IOException {
  private final ErrorKind kind;
  private final String action;
  private final int status;

  public RegistryException(
      ErrorKind kind, String action, int status, String detail, Throwable cause) {
    super(message(action, status, detail), cause);
    this.kind = kind;
    this.action = action;
    this.status = status;
  }

  public RegistryException(ErrorKind kind, String action, String detail) {
    this(kind, action, 0, detail, null);
  }

  private static String message(String action, int status, String detail) {
    return action + " failed" + (status > 0 ? " with HTTP " + status : "") + ": " + detail;
  }

  public ErrorKind kind() {
    return kind;
  }

  /** What the client was doing, e.g. {@code pull manifest 127.0.0.1:5000/app:v1}. */
  public String action() {
    return action;
  }

  /** The HTTP status of the last answer, or 0 when there was none (I/O error, bad content). */
  public int status() {
    return status;
  }

  public boolean retryable() {
    return kind.retryable();
  }
}
