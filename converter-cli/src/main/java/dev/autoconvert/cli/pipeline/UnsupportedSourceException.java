package dev.autoconvert.cli.pipeline;

import java.io.IOException;

/** The source exists but cannot be converted as asked (e.g. no manifest of a wanted platform). */
public final class UnsupportedSourceException extends IOException {
  UnsupportedSourceException(String message) {
    super(message);
  }
}
