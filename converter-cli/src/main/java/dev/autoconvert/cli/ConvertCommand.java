package dev.autoconvert.cli;

import dev.autoconvert.cli.pipeline.ConversionResult;
import dev.autoconvert.cli.pipeline.ConvertOptions;
import dev.autoconvert.cli.pipeline.ImageConverter;
import dev.autoconvert.cli.pipeline.LayerCache;
import dev.autoconvert.cli.pipeline.Scratch;
import dev.autoconvert.format.Compressor;
import dev.autoconvert.format.Digester;
import dev.autoconvert.format.convert.LayerOptions;
import dev.autoconvert.format.image.Platform;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code convert}: source image to Nydus image, pushed by digest, then tagged. */
final class ConvertCommand {
  private static final Set<String> VALUED =
      Set.of(
          "--source",
          "--target",
          "--compressor",
          "--chunk-size",
          "--digester",
          "--platform",
          "--prefetch-patterns",
          "--work-dir",
          RegistryAccess.AUTHFILE,
          RegistryAccess.CA_CERTIFICATES,
          RegistryAccess.CERT_DIR);
  private static final Set<String> FLAGS =
      Set.of("--all-platforms", "--with-referrer", RegistryAccess.PLAIN_HTTP);

  /** Scratch for one command-line conversion: the disk, not a shared service budget, limits it. */
  private static final long CLI_SCRATCH_LIMIT = Long.MAX_VALUE / 2;

  private ConvertCommand() {}

  static int run(List<String> args, PrintStream out) throws IOException {
    Arguments a = Arguments.parse(args, VALUED, FLAGS);
    RegistryAccess access = RegistryAccess.of(a);
    Location source = Location.parse(a.required("--source"), access);
    Location target = Location.parse(a.required("--target"), access);
    ConvertOptions options = options(a);
    Path work = WorkDir.create(a);
    try {
      return convert(source, target, options, work, out);
    } finally {
      WorkDir.delete(work);
    }
  }

  private static int convert(
      Location source, Location target, ConvertOptions options, Path work, PrintStream out)
      throws IOException {
    Scratch scratch = new Scratch(work, CLI_SCRATCH_LIMIT);
    long start = System.nanoTime();
    ImageConverter converter =
        new ImageConverter(
            source.store(),
            target.store(),
            scratch,
            LayerCache.NONE,
            p ->
                out.printf(
                    "layer %d/%d converted (%d bytes in, %d bytes out)%n",
                    p.layersDone(), p.layersTotal(), p.bytesIn(), p.bytesOut()));
    ConversionResult result = converter.convert(source.reference(), options);
    if (result.skipped()) {
      out.println("skipped: " + result.skipReason());
      return ConverterCli.OK;
    }
    target.store().pushManifest(target.reference(), result.target());
    out.printf(
        "converted %s -> %s@%s (%s) in %d ms: %d bytes in, %d bytes out%n",
        source.text(),
        target.text(),
        result.target().digest(),
        result.target().mediaType(),
        (System.nanoTime() - start) / 1_000_000,
        result.sourceBytes(),
        result.targetBytes());
    return ConverterCli.OK;
  }

  static ConvertOptions options(Arguments a) throws IOException {
    try {
      List<Platform> platforms;
      if (a.flag("--all-platforms")) {
        if (!a.all("--platform").isEmpty()) {
          throw new UsageException("--platform and --all-platforms exclude each other");
        }
        platforms = List.of();
      } else if (a.all("--platform").isEmpty()) {
        platforms = List.of(hostPlatform());
      } else {
        platforms = a.all("--platform").stream().map(Platform::parse).toList();
      }
      List<String> prefetch = List.of();
      String patternsFile = a.optional("--prefetch-patterns", null);
      if (patternsFile != null) {
        prefetch =
            Files.readAllLines(Path.of(patternsFile), StandardCharsets.UTF_8).stream()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList();
      }
      return new ConvertOptions(
          Compressor.fromCliName(a.optional("--compressor", "zstd")),
          Integer.decode(
              a.optional("--chunk-size", Integer.toString(ConvertOptions.DEFAULT_CHUNK_SIZE))),
          Digester.fromCliName(a.optional("--digester", LayerOptions.DEFAULT_DIGESTER.cliName())),
          platforms,
          prefetch,
          a.flag("--with-referrer"),
          Map.of());
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** nydusify's default: the platform the command runs on. */
  static Platform hostPlatform() {
    String arch = System.getProperty("os.arch");
    String oci =
        switch (arch) {
          case "amd64", "x86_64" -> "amd64";
          case "aarch64", "arm64" -> "arm64";
          default -> arch;
        };
    return Platform.parse("linux/" + oci);
  }
}
