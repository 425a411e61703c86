package dev.autoconvert.format.tar;

/**
 * Bounds applied to an untrusted layer while it is read; exceeding any of them fails the layer.
 *
 * @param maxPaxHeaderSize largest PAX extended header (local or global) accepted, in bytes
 * @param maxPathLength longest path or link target accepted, in bytes
 * @param maxPathDepth most path components accepted
 * @param maxEntries most tar entries (including PAX and GNU long-name headers) accepted
 * @param maxUncompressedSize most uncompressed tar bytes accepted
 */
public record LayerLimits(
    int maxPaxHeaderSize,
    int maxPathLength,
    int maxPathDepth,
    long maxEntries,
    long maxUncompressedSize) {

  /** Generous for real images: Linux PATH_MAX paths, a million entries, 64 GiB of tar. */
  public static final LayerLimits DEFAULT =
      new LayerLimits(1 << 20, 4096, 1024, 1_000_000, 64L << 30);

  public LayerLimits {
    if (maxPaxHeaderSize < 512
        || maxPathLength < 256
        || maxPathDepth < 1
        || maxEntries < 1
        || maxUncompressedSize < 1024) {
      throw new IllegalArgumentException("layer limits too small: " + this);
    }
  }
}
