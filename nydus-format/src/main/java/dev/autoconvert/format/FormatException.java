package dev.autoconvert.format;

import java.io.IOException;

/**
 * Input that does not follow a format this module reads (tar layer, Nydus blob, RAFS bootstrap).
 * The message names the resource, the offset or entry, and what was expected and found.
 */
public class FormatException extends IOException {
  public FormatException(String message) {
    super(message);
  }

  public FormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
