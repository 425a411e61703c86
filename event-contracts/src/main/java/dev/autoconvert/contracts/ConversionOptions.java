package dev.autoconvert.contracts;

import java.util.List;

/**
 * How to convert, as set on a rule (DESIGN.md "Rules").
 *
 * @param compressor {@code zstd}, {@code lz4_block} or {@code none}
 * @param chunkSize chunk size in bytes, a power of two from 4 KiB to 16 MiB
 * @param digester {@code sha256} (default: measured faster here) or {@code blake3} (nydus-image's
 *     default)
 * @param platforms {@code os/arch[/variant]} to convert from an index; empty means all
 * @param prefetchPatterns paths to prefetch; empty means {@code /}
 * @param withReferrer whether the Nydus manifest names the source as its OCI {@code subject}
 */
public record ConversionOptions(
    String compressor,
    int chunkSize,
    String digester,
    List<String> platforms,
    List<String> prefetchPatterns,
    boolean withReferrer) {

  public static final int DEFAULT_CHUNK_SIZE = 1024 * 1024;

  public ConversionOptions {
    platforms = platforms == null ? List.of() : List.copyOf(platforms);
    prefetchPatterns = prefetchPatterns == null ? List.of() : List.copyOf(prefetchPatterns);
  }

  public static ConversionOptions defaults() {
    return new ConversionOptions("zstd", DEFAULT_CHUNK_SIZE, "sha256", List.of(), List.of(), false);
  }
}
