package dev.autoconvert.imagespec;

import java.io.IOException;

/** A manifest or index that is not the JSON the specifications describe; says what is wrong. */
public class ManifestException extends IOException {
  public ManifestException(String message) {
    super(message);
  }
}
