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

  public static RawManifest of(ImageManifest manifest) {
    return new RawManifest(requireType(manifest.mediaType()), ManifestJson.write(manifest));
  }

  public static RawManifest of(ImageIndex index) {
    return new RawManifest(requireType(index.mediaType()), ManifestJson.write(index));
  }

  private static String requireType(String mediaType) {
    if (mediaType == null) {
      throw new IllegalArgumentException("a manifest to push must name its mediaType");
    }
    return mediaType;
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

  public ImageManifest manifest() {
    if (isIndex()) {
      throw new IllegalStateException(digest + " is an index (" + mediaType + "), not a manifest");
    }
    return ManifestJson.readManifest(bytes);
  }

  public ImageIndex index() {
    if (!isIndex()) {
      throw new IllegalStateException(digest + " is a manifest (" + mediaType + "), not an index");
    }
    return ManifestJson.readIndex(bytes);
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
