package dev.autoconvert.format;

import java.io.IOException;

/**
 * Input that does not follow the format it claims: the message names the resource, the offset or
 * entry, what was expected and what was found.
 */
public class FormatException extends IOException {

  public FormatException(String message) {
    super(message);
  }

  public FormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
