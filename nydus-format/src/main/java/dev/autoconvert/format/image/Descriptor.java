package dev.autoconvert.format.image;

import java.util.Map;
import java.util.Objects;

/**
 * An OCI content descriptor as this package reads and writes it.
 *
 * @param mediaType media type of the content
 * @param digest {@code sha256:<hex>}
 * @param size bytes
 * @param annotations never null
 */
public record Descriptor(
    String mediaType, String digest, long size, Map<String, String> annotations) {

  public Descriptor {
    Objects.requireNonNull(mediaType, "mediaType");
    if (digest == null || !digest.matches("sha256:[0-9a-f]{64}")) {
      throw new IllegalArgumentException(
          "descriptor digest '" + digest + "' is not sha256:<64 hex>");
    }
    if (size < 0) {
      throw new IllegalArgumentException("descriptor " + digest + " has negative size " + size);
    }
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  public Descriptor(String mediaType, String digest, long size) {
    this(mediaType, digest, size, Map.of());
  }
}
