package dev.autoconvert.cli.pipeline;

import dev.autoconvert.format.Compressor;
import dev.autoconvert.format.Digester;
import dev.autoconvert.format.convert.LayerOptions;
import dev.autoconvert.format.image.Platform;
import java.util.List;
import java.util.Map;

/**
 * How to convert an image.
 *
 * @param compressor chunk compressor
 * @param chunkSize chunk size, a power of two from 4 KiB to 16 MiB
 * @param digester chunk digest algorithm
 * @param platforms platforms to convert from an index; empty means every image platform
 * @param prefetchPatterns absolute paths to prefetch; empty means {@code /}
 * @param withReferrer name the source as the Nydus manifest's {@code subject}
 * @param annotations extra annotations on the Nydus manifest and index
 */
public record ConvertOptions(
    Compressor compressor,
    int chunkSize,
    Digester digester,
    List<Platform> platforms,
    List<String> prefetchPatterns,
    boolean withReferrer,
    Map<String, String> annotations) {
  public static final int DEFAULT_CHUNK_SIZE = 1 << 20;
  private static final int MIN_CHUNK_SIZE = 4096;
  private static final int MAX_CHUNK_SIZE = 16 << 20;

  public ConvertOptions {
    if (compressor == null || digester == null) {
      throw new IllegalArgumentException("compressor and digester are required");
    }
    if (Integer.bitCount(chunkSize) != 1
        || chunkSize < MIN_CHUNK_SIZE
        || chunkSize > MAX_CHUNK_SIZE) {
      throw new IllegalArgumentException(
          "chunk size " + chunkSize + " is not a power of two from 4096 to 16777216");
    }
    platforms = platforms == null ? List.of() : List.copyOf(platforms);
    prefetchPatterns =
        prefetchPatterns == null || prefetchPatterns.isEmpty()
            ? List.of("/")
            : List.copyOf(prefetchPatterns);
    for (String p : prefetchPatterns) {
      if (!p.startsWith("/")) {
        throw new IllegalArgumentException("prefetch pattern '" + p + "' is not an absolute path");
      }
    }
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  /**
   * nydusify's defaults (zstd, 1 MiB chunks, every platform, prefetch {@code /}) except the chunk
   * digest: sha256, which measured faster here than blake3 (see {@link
   * LayerOptions#DEFAULT_DIGESTER}).
   */
  public static ConvertOptions defaults() {
    return new ConvertOptions(
        Compressor.ZSTD,
        DEFAULT_CHUNK_SIZE,
        LayerOptions.DEFAULT_DIGESTER,
        List.of(),
        List.of(),
        false,
        Map.of());
  }

  public ConvertOptions withAnnotations(Map<String, String> more) {
    Map<String, String> all = new java.util.LinkedHashMap<>(annotations);
    all.putAll(more);
    return new ConvertOptions(
        compressor, chunkSize, digester, platforms, prefetchPatterns, withReferrer, all);
  }

  /**
   * Chunks are compressed on two threads where there are two cores: the bench measured the gain.
   */
  public LayerOptions layerOptions() {
    return new LayerOptions(compressor, chunkSize, digester, prefetchPatterns)
        .withThreads(Math.min(2, Runtime.getRuntime().availableProcessors()));
  }

  /**
   * Everything that changes a converted layer's bytes, as a stable string: the key of the layer
   * cache next to the source layer digest. Its version changes whenever the converter's output for
   * the same input and options changes, or the cached tree gains a field.
   */
  public String layerCacheKey() {
    return "v2;"
        + compressor.cliName()
        + ";"
        + chunkSize
        + ";"
        + digester.cliName()
        + ";"
        + String.join(",", prefetchPatterns);
  }
}
