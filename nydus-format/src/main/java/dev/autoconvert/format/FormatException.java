package dev.autoconvert.format;

import java.io.IOException;

/**
 * Input that does not follow a format this module reads (tar layer, Nydus blob, RAFS bootstrap).
 * The message names the resource, the offset or entry, what was expected and what was found.
 */
public class FormatException extends IOException {

  public FormatException(String message) {
    super(message);
  }

  public FormatException(String message, Throwable cause) {
    super(message, cause);
  }

  /** "{resource}: {what} at offset {offset}: expected {expected}, found {actual}". */
  public static FormatException at(
      String resource, long offset, String what, Object expected, Object actual) {
    return new FormatException(
        resource
            + ": "
            + what
            + " at offset "
            + offset
            + ": expected "
            + expected
            + ", found "
            + actual);
  }
}
