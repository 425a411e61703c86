package dev.autoconvert.bench;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import dev.autoconvert.format.Compressor;
import dev.autoconvert.format.Digester;
import dev.autoconvert.format.convert.ConvertedLayer;
import dev.autoconvert.format.convert.LayerConverter;
import dev.autoconvert.format.convert.LayerOptions;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Converts realistic gzip layers and prints, from one run, the converter's throughput against a
 * reference pipeline in the same JVM (gunzip, zstd level 3 in 1 MiB chunks, sha256: the least work
 * any converter does), single- and two-threaded, for both digesters; then checks that a large layer
 * converts under -Xmx256m in a child JVM.
 *
 * <pre>
 * mvn -q -pl bench -am package -DskipTests
 * java -jar bench/target/bench.jar [debian-rootfs-dir | layer.tar | layer.tar.gz] [--flat-gib N] [--rounds N]
 * </pre>
 *
 * The Debian input comes from the argument or BENCH_DEBIAN_ROOTFS (a debootstrap --variant=minbase
 * directory); without one, only the generated layer is measured.
 */
public final class LayerBench {
  /**
   * Untimed runs of every pipeline first: C2 keeps compiling for several conversions, and on two
   * cores its threads take CPU from a two-threaded pipeline, so early rounds understate it.
   */
  private static final int WARMUP_ROUNDS = 3;

  /**
   * Timed rounds unless {@code --rounds N} says otherwise; odd, for a plain median. The summary
   * lines also print the rounds' range.
   */
  private static final int DEFAULT_ROUNDS = 7;

  private static final int MIB = 1 << 20;

  private LayerBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("--flat-memory-child")) {
      flatMemoryChild(Long.parseLong(args[1]));
      return;
    }
    String source = System.getenv("BENCH_DEBIAN_ROOTFS");
    long flatBytes = 2L << 30;
    int rounds = DEFAULT_ROUNDS;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--flat-gib")) {
        flatBytes = (long) (Double.parseDouble(args[++i]) * (1L << 30));
      } else if (args[i].equals("--rounds")) {
        rounds = Integer.parseInt(args[++i]);
        if (rounds < 1 || rounds % 2 == 0) {
          throw new IllegalArgumentException("--rounds must be odd and positive: " + rounds);
        }
      } else {
        source = args[i];
      }
    }
    Path work = Files.createTempDirectory("layer-bench");
    try {
      List<Path> layers = new ArrayList<>();
      Path generated = work.resolve("generated-small-files.tar.gz");
      try (OutputStream out = gzipFile(generated)) {
        new SyntheticLayer(42).writeSmallFilesTree(out, 8_000);
      }
      layers.add(generated);
      if (source != null) {
        layers.add(debianLayer(Path.of(source), work));
      }
      System.out.printf(
          "cpus=%d  java=%s  max heap=%d MiB  warm-up rounds=%d  rounds=%d"
              + " (MB/s: best round; vs ref: median of per-round ratios)%n",
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"),
          Runtime.getRuntime().maxMemory() / MIB,
          WARMUP_ROUNDS,
          rounds);
      for (Path layer : layers) {
        measure(layer, rounds);
      }
      flatMemory(flatBytes);
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static OutputStream gzipFile(Path path) throws IOException {
    return new GZIPOutputStream(
        new BufferedOutputStream(Files.newOutputStream(path), MIB), 1 << 16);
  }

  /** A rootfs directory is packed with GNU tar like RECIPES.md §4 (d); a tar is gzipped. */
  private static Path debianLayer(Path source, Path work) throws Exception {
    Path layer = work.resolve("debian-minbase.tar.gz");
    if (Files.isDirectory(source)) {
      Path tar = work.resolve("debian.tar");
      Process p =
          new ProcessBuilder(
                  "tar",
                  "--format=pax",
                  "--xattrs",
                  "--numeric-owner",
                  "--sort=name",
                  "--exclude=./dev/*",
                  "--exclude=./proc/*",
                  "--exclude=./sys/*",
                  "--exclude=./var/cache/apt/archives/*.deb",
                  "--exclude=./var/lib/apt/lists/*",
                  "-C",
                  source.toString(),
                  "-cf",
                  tar.toString(),
                  ".")
              .inheritIO()
              .start();
      if (p.waitFor() != 0) {
        throw new IOException("tar of " + source + " failed");
      }
      source = tar;
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(source), MIB)) {
      byte[] magic = in.readNBytes(2);
      if (magic.length == 2 && magic[0] == 0x1f && magic[1] == (byte) 0x8b) {
        return source;
      }
    }
    try (InputStream in = Files.newInputStream(source);
        OutputStream out = gzipFile(layer)) {
      in.transferTo(out);
    }
    return layer;
  }

  /**
   * One timed run. {@code cpuSeconds} is the calling thread's CPU time for single-threaded
   * pipelines and the whole process's CPU time otherwise: on a shared, oversubscribed machine the
   * CPU-time rate measures the work, the wall-clock rate the speed actually seen.
   */
  private record Result(
      String name, double seconds, double cpuSeconds, long uncompressed, long peakHeap) {
    double mbPerSecond() {
      return uncompressed / seconds / 1e6;
    }

    double mbPerCpuSecond() {
      return uncompressed / cpuSeconds / 1e6;
    }
  }

  private static void measure(Path layer, int rounds) throws Exception {
    LayerOptions blake3 = new LayerOptions(Compressor.ZSTD, MIB, Digester.BLAKE3, List.of("/"));
    LayerOptions sha256 = new LayerOptions(Compressor.ZSTD, MIB, Digester.SHA256, List.of("/"));
    List<String> names =
        List.of(
            "reference (gunzip > zstd 1 MiB > sha256)",
            "floor (as reference, zstd frames per file)",
            "converter 1 thread, blake3",
            "converter 1 thread, sha256",
            "converter 2 threads, blake3",
            "converter 2 threads, sha256",
            "2 references at once (2-core ceiling)");
    int one = 3; // converter 1 thread, sha256
    int two = 5; // converter 2 threads, sha256
    int ceiling = 6; // two references at once
    Result[][] runs = new Result[rounds][names.size()];
    ConvertedLayer sample = convert(layer, blake3);
    List<long[]> files = fileRegions(layer);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int round = -WARMUP_ROUNDS; round < rounds; round++) {
      for (int i = 0; i < names.size(); i++) {
        boolean parallel = i >= 4;
        resetPeaks();
        long cpu0 = parallel ? os.getProcessCpuTime() : threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        long size =
            switch (i) {
              case 0 -> reference(layer);
              case 1 -> floor(layer, files);
              case 2 -> convert(layer, blake3).uncompressedTarSize();
              case 3 -> convert(layer, sha256).uncompressedTarSize();
              case 4 -> convert(layer, blake3.withThreads(2)).uncompressedTarSize();
              case 5 -> convert(layer, sha256.withThreads(2)).uncompressedTarSize();
              default -> twoReferences(layer);
            };
        double wall = (System.nanoTime() - t0) / 1e9;
        long cpu1 = parallel ? os.getProcessCpuTime() : threads.getCurrentThreadCpuTime();
        if (round >= 0) {
          runs[round][i] = new Result(names.get(i), wall, (cpu1 - cpu0) / 1e9, size, peakHeap());
        }
      }
    }
    System.out.printf(
        "%n%s: %.1f MB uncompressed tar, %.1f MB gzip, %d entries, blob %.1f MB (load avg %.1f)%n",
        layer.getFileName(),
        sample.uncompressedTarSize() / 1e6,
        Files.size(layer) / 1e6,
        sample.tree().entries().size(),
        sample.blobSize() / 1e6,
        os.getSystemLoadAverage());
    System.out.printf(
        "  %-42s %9s %7s %9s %7s %10s%n",
        "pipeline", "wall MB/s", "vs ref", "CPU MB/s", "vs ref", "peak heap");
    for (int i = 0; i < names.size(); i++) {
      int p = i;
      Result fastest =
          Arrays.stream(runs).map(r -> r[p]).min(Comparator.comparing(Result::seconds)).get();
      System.out.printf(
          "  %-42s %9.1f %7.2f %9.1f %7s %7d MiB%n",
          names.get(i),
          fastest.mbPerSecond(),
          medianRatio(runs, 0, i, Result::seconds),
          Arrays.stream(runs).mapToDouble(r -> r[p].mbPerCpuSecond()).max().getAsDouble(),
          i >= 4 ? "-" : String.format("%.2f", medianRatio(runs, 0, i, Result::cpuSeconds)),
          fastest.peakHeap() / MIB);
    }
    System.out.printf(
        "  converter 1 thread, sha256, vs reference: %s (wall), %s (CPU)%n",
        spread(runs, 0, one, Result::seconds), spread(runs, 0, one, Result::cpuSeconds));
    System.out.printf(
        "  converter 1 thread, sha256, vs floor: %s (wall), %s (CPU)%n",
        spread(runs, 1, one, Result::seconds), spread(runs, 1, one, Result::cpuSeconds));
    System.out.printf(
        "  2 threads vs 1 thread (wall, times as fast): blake3 %s, sha256 %s%n",
        spread(runs, 2, 4, Result::seconds), spread(runs, one, two, Result::seconds));
    System.out.printf(
        "  this machine's own 2-core scaling, two references at once vs one: %s%n",
        spread(runs, 0, ceiling, Result::seconds));
  }

  /** The median ratio and, in brackets, the lowest and highest of the rounds. */
  private static String spread(
      Result[][] runs, int base, int pipeline, ToDoubleFunction<Result> time) {
    double[] ratios = ratios(runs, base, pipeline, time);
    return String.format("%.2f [%.2f-%.2f]", median(ratios), ratios[0], ratios[ratios.length - 1]);
  }

  /**
   * Median over rounds of {@code base}'s time divided by {@code pipeline}'s in the same round: the
   * two ran back to back, so a neighbour's load on this shared machine affects both alike.
   */
  private static double medianRatio(
      Result[][] runs, int base, int pipeline, ToDoubleFunction<Result> time) {
    return median(ratios(runs, base, pipeline, time));
  }

  /**
   * Per round, {@code pipeline}'s throughput divided by {@code base}'s (for the same input, the
   * inverse ratio of their times), sorted.
   */
  private static double[] ratios(
      Result[][] runs, int base, int pipeline, ToDoubleFunction<Result> time) {
    return Arrays.stream(runs)
        .mapToDouble(
            r ->
                (r[pipeline].uncompressed() / time.applyAsDouble(r[pipeline]))
                    / (r[base].uncompressed() / time.applyAsDouble(r[base])))
        .sorted()
        .toArray();
  }

  private static double median(double[] sorted) {
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  private static ConvertedLayer convert(Path layer, LayerOptions options) throws IOException {
    try (InputStream in = Files.newInputStream(layer)) {
      return LayerConverter.convert(
          in, null, layer.getFileName().toString(), OutputStream.nullOutputStream(), options);
    }
  }

  /** gunzip, zstd level 3 per 1 MiB, sha256 of the uncompressed bytes; returns their count. */
  private static long reference(Path layer) throws Exception {
    try (InputStream in = gunzip(layer);
        Chunker chunker = new Chunker()) {
      chunker.consume(in, Long.MAX_VALUE, true);
      return chunker.finish();
    }
  }

  /**
   * Two references on two threads at once; returns the bytes both read. Against one reference, the
   * most two threads gain on this machine for this kind of work (two vCPUs may share a core or
   * caches on the host).
   */
  private static long twoReferences(Path layer) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Long> first = pool.submit(() -> reference(layer));
      Future<Long> second = pool.submit(() -> reference(layer));
      return first.get() + second.get();
    } finally {
      pool.shutdown();
    }
  }

  /**
   * The reference with its zstd frames cut at file boundaries: every byte is gunzipped and hashed
   * as there, but only file data is compressed, each file on its own in chunks of at most 1 MiB. In
   * nydus's default blob layout no chunk spans two files, so this is the least work a converter
   * writing that layout does, tar parsing left out ({@code files} were found before timing). Its
   * distance from the reference is that layout's price on small files (nydus's optional batch mode,
   * which packs small chunks into one frame, is not implemented here).
   */
  private static long floor(Path layer, List<long[]> files) throws Exception {
    try (InputStream in = gunzip(layer);
        Chunker chunker = new Chunker()) {
      long at = 0;
      for (long[] file : files) {
        chunker.consume(in, file[0] - at, false);
        chunker.consume(in, file[1], true);
        at = file[0] + file[1];
      }
      chunker.consume(in, Long.MAX_VALUE, false);
      return chunker.finish();
    }
  }

  /** Offset and size of every regular file's data in the uncompressed tar. */
  private static List<long[]> fileRegions(Path layer) throws IOException {
    List<long[]> files = new ArrayList<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(gunzip(layer))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        if (e.isFile() && e.getSize() > 0) {
          files.add(new long[] {tar.getBytesRead(), e.getSize()});
        }
      }
    }
    return files;
  }

  private static InputStream gunzip(Path layer) throws IOException {
    return new GZIPInputStream(
        new BufferedInputStream(Files.newInputStream(layer), 1 << 16), 1 << 16);
  }

  /** zstd level 3 per chunk of at most 1 MiB, sha256 over all bytes: the baselines' work. */
  private static final class Chunker implements AutoCloseable {
    private final MessageDigest sha = MessageDigest.getInstance("SHA-256");
    private final ZstdCompressCtx zstd = new ZstdCompressCtx();
    private final byte[] buf = new byte[MIB];
    private final byte[] dst = new byte[(int) Zstd.compressBound(MIB)];
    private long total;

    Chunker() throws Exception {
      zstd.setLevel(3);
    }

    /**
     * Hashes {@code length} bytes of {@code in} (fewer if it ends), compressing each MiB of them on
     * its own when {@code compress}.
     */
    void consume(InputStream in, long length, boolean compress) throws IOException {
      for (int n;
          length > 0 && (n = in.readNBytes(buf, 0, (int) Math.min(MIB, length))) > 0;
          length -= n) {
        if (compress) {
          zstd.compressByteArray(dst, 0, dst.length, buf, 0, n);
        }
        sha.update(buf, 0, n);
        total += n;
      }
    }

    /** Bytes consumed, after finishing the digest. */
    long finish() {
      sha.digest();
      return total;
    }

    @Override
    public void close() {
      zstd.close();
    }
  }

  /** Runs the large-layer conversion in a child JVM limited to 256 MiB of heap. */
  private static void flatMemory(long bytes) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                LayerBench.class.getName(),
                "--flat-memory-child",
                Long.toString(bytes))
            .inheritIO()
            .start();
    int rc = p.waitFor();
    System.out.println(
        rc == 0 ? "flat-memory check: PASSED" : "flat-memory check: FAILED (exit " + rc + ")");
    if (rc != 0) {
      System.exit(rc);
    }
  }

  private static void flatMemoryChild(long bytes) throws Exception {
    PipedInputStream in = new PipedInputStream(MIB);
    PipedOutputStream out = new PipedOutputStream(in);
    Thread producer =
        new Thread(
            () -> {
              try (OutputStream o = out) {
                new SyntheticLayer(7).writeLargeLayer(o, bytes);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            },
            "tar-generator");
    producer.setDaemon(true);
    producer.start();
    resetPeaks();
    long t0 = System.nanoTime();
    ConvertedLayer c =
        LayerConverter.convert(
            in,
            null,
            "generated-large",
            OutputStream.nullOutputStream(),
            new LayerOptions(Compressor.ZSTD, MIB, Digester.BLAKE3, List.of("/")).withThreads(2));
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "%nflat memory: %.2f GiB tar streamed through the converter under -Xmx%d MiB: "
            + "%.1f s, %.1f MB/s, %d chunks, peak heap %d MiB%n",
        c.uncompressedTarSize() / (double) (1L << 30),
        Runtime.getRuntime().maxMemory() / MIB,
        s,
        c.uncompressedTarSize() / s / 1e6,
        c.tree().blob().chunkCount(),
        peakHeap() / MIB);
  }

  private static void resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  /**
   * Sum of the heap pools' peak usage since the last reset (includes not-yet-collected garbage).
   */
  private static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }
}
