package dev.autoconvert.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A fresh directory for one command's files, under {@code --work-dir} or the temp directory. */
final class WorkDir {
  private WorkDir() {}

  static Path create(Arguments a) throws IOException {
    String base = a.optional("--work-dir", null);
    Path parent =
        base != null
            ? Files.createDirectories(Path.of(base))
            : Path.of(System.getProperty("java.io.tmpdir"));
    return Files.createTempDirectory(parent, "converter-cli-");
  }

  static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
