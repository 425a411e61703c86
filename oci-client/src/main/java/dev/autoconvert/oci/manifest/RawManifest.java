package dev.autoconvert.oci.manifest;

import dev.autoconvert.imagespec.MediaTypes;
import dev.autoconvert.oci.Digest;
import java.util.Arrays;

/**
 * A manifest or index exactly as stored: its bytes, media type and the digest of those bytes. The
 * digest of a manifest is the digest of its bytes, so pushes send these bytes and never a
 * re-serialization.
 */
public final class RawManifest {
  private final String mediaType;
  private final byte[] bytes;
  private final Digest digest;

  private RawManifest(String mediaType, byte[] bytes) {
    if (!MediaTypes.isImageManifest(mediaType) && !MediaTypes.isIndex(mediaType)) {
      throw new IllegalArgumentException(
          "'" + mediaType + "' is not a manifest or index media type");
    }
    this.mediaType = mediaType;
    this.bytes = bytes.clone();
    this.digest = Digest.of(this.bytes);
  }

  /** Wraps bytes read from a registry or a layout; the media type comes from the transport. */
  public static RawManifest of(String mediaType, byte[] bytes) {
    return new RawManifest(mediaType, bytes);
  }

  public String mediaType() {
    return mediaType;
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  public Digest digest() {
    return digest;
  }

  public long size() {
    return bytes.length;
  }

  public boolean isIndex() {
    return MediaTypes.isIndex(mediaType);
  }

  /** The descriptor an index or a tag listing uses for this manifest. */
  public Descriptor descriptor() {
    return Descriptor.of(mediaType, digest, bytes.length);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RawManifest that
        && mediaType.equals(that.mediaType)
        && Arrays.equals(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return mediaType + " " + digest + " (" + bytes.length + " bytes)";
  }
}
