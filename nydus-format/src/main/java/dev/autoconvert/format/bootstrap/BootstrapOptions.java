package dev.autoconvert.format.bootstrap;

import java.util.List;

/**
 * How to write a RAFS v6 bootstrap.
 *
 * @param chunkSize chunk size of every blob, a power of two in [4 KiB, 16 MiB] (NYDUS-FORMAT.md
 *     §1.3)
 * @param prefetchPatterns absolute paths whose inodes go into the prefetch table; nydus's
 *     converters pass "/" (§1.6)
 * @param inlinedInBlob true for the per-layer bootstrap stored inside its own blob: the blob id is
 *     written as 64 'x' characters and the blob has the INLINED_FS_META feature (§3.6); false for
 *     the merged image bootstrap with real blob ids (§4.2)
 */
public record BootstrapOptions(
    int chunkSize, List<String> prefetchPatterns, boolean inlinedInBlob) {

  /** nydus's default chunk size, 1 MiB. */
  public static final int DEFAULT_CHUNK_SIZE = 1 << 20;

  public BootstrapOptions {
    if (Integer.bitCount(chunkSize) != 1 || chunkSize < 4096 || chunkSize > 16 << 20) {
      throw new IllegalArgumentException(
          "chunk size must be a power of two in [4096, 16777216], got " + chunkSize);
    }
    prefetchPatterns = List.copyOf(prefetchPatterns);
    for (String pattern : prefetchPatterns) {
      if (!pattern.startsWith("/")) {
        throw new IllegalArgumentException("prefetch pattern must be an absolute path: " + pattern);
      }
    }
  }

  /** Merged image bootstrap with the converters' defaults: 1 MiB chunks, prefetch "/". */
  public static BootstrapOptions merged(int chunkSize) {
    return new BootstrapOptions(chunkSize, List.of("/"), false);
  }

  /** Per-layer bootstrap embedded in its blob: prefetch "/". */
  public static BootstrapOptions inlined(int chunkSize) {
    return new BootstrapOptions(chunkSize, List.of("/"), true);
  }
}
