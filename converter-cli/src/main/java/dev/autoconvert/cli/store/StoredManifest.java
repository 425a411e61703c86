package dev.autoconvert.cli.store;

import dev.autoconvert.format.image.NydusImageAssembler;
import java.util.Objects;

/**
 * A manifest or index exactly as stored: its bytes are what its digest names.
 *
 * @param mediaType the manifest's media type
 * @param digest {@code sha256:} of {@link #bytes}
 * @param bytes the manifest JSON
 */
public record StoredManifest(String mediaType, String digest, byte[] bytes) {

  public StoredManifest {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(bytes, "bytes");
    if (digest == null) {
      digest = NydusImageAssembler.digest(bytes);
    }
  }

  public static StoredManifest of(String mediaType, byte[] bytes) {
    return new StoredManifest(mediaType, null, bytes);
  }

  public long size() {
    return bytes.length;
  }
}
