package dev.autoconvert.format.tar;

import dev.autoconvert.format.FormatException;

/** A layer tar that cannot be read; the message names the layer and the entry. */
final class TarException extends FormatException {
  TarException(String message) {
    super(message);
  }

  TarException(String message, Throwable cause) {
    super(message, cause);
  }
}
