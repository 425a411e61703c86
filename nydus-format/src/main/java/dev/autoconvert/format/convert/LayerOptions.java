package dev.autoconvert.format.convert;

import dev.autoconvert.format.Compressor;
import dev.autoconvert.format.Digester;
import dev.autoconvert.format.tar.LayerLimits;
import java.util.List;

/**
 * How one layer is converted.
 *
 * @param compressor chunk compressor (zstd is nydus's default)
 * @param chunkSize power of two in [4 KiB, 16 MiB]; 1 MiB is nydus's default
 * @param digester chunk digest algorithm
 * @param prefetchPatterns paths whose nids go into the bootstrap's prefetch table ("/" = all)
 * @param threads threads that digest and compress chunks; 1 keeps everything on the caller
 * @param limits bounds for the untrusted layer
 */
public record LayerOptions(
    Compressor compressor,
    int chunkSize,
    Digester digester,
    List<String> prefetchPatterns,
    int threads,
    LayerLimits limits) {

  public static final int DEFAULT_CHUNK_SIZE = 1 << 20;

  public LayerOptions {
    if (Integer.bitCount(chunkSize) != 1 || chunkSize < 4096 || chunkSize > (16 << 20)) {
      throw new IllegalArgumentException(
          "chunk size must be a power of two between 4096 and 16 MiB, got " + chunkSize);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    prefetchPatterns = List.copyOf(prefetchPatterns);
  }

  /** The agreed four-component form: one thread, default limits. */
  public LayerOptions(
      Compressor compressor, int chunkSize, Digester digester, List<String> prefetchPatterns) {
    this(compressor, chunkSize, digester, prefetchPatterns, 1, LayerLimits.DEFAULT);
  }

  /**
   * Chosen by measurement (bench/LayerBench): the JDK's SHA-256 uses the CPU's SHA extensions and
   * ran about 1.2-1.3x faster end to end than BouncyCastle's pure-Java BLAKE3; nydusd reads both.
   */
  public static final Digester DEFAULT_DIGESTER = Digester.SHA256;

  /** zstd, 1 MiB chunks, the default digester, prefetch "/", one thread. */
  public static LayerOptions defaults() {
    return new LayerOptions(Compressor.ZSTD, DEFAULT_CHUNK_SIZE, DEFAULT_DIGESTER, List.of("/"));
  }

  public LayerOptions withThreads(int n) {
    return new LayerOptions(compressor, chunkSize, digester, prefetchPatterns, n, limits);
  }
}
