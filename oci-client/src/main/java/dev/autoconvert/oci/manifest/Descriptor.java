package dev.autoconvert.oci.manifest;

import dev.autoconvert.oci.Digest;

/**
 * What the distribution API says about a manifest or blob: its media type, digest and size. What a
 * manifest's content means is read elsewhere (image-spec), from the bytes {@link RawManifest}
 * keeps.
 */
public record Descriptor(String mediaType, Digest digest, long size) {

  public Descriptor {
    if (mediaType == null || mediaType.isEmpty()) {
      throw new IllegalArgumentException("descriptor of " + digest + " has no mediaType");
    }
    if (digest == null) {
      throw new IllegalArgumentException("descriptor of type " + mediaType + " has no digest");
    }
    if (size < 0) {
      throw new IllegalArgumentException("descriptor " + digest + " has negative size " + size);
    }
  }

  public static Descriptor of(String mediaType, Digest digest, long size) {
    return new Descriptor(mediaType, digest, size);
  }
}
