package dev.autoconvert.format;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared upstream fixtures: {@code <repo root>/../shared/fixtures/nydus-reference}. */
public final class Fixtures {
  private Fixtures() {}

  public static Path nydusReference() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.exists(dir.resolve("autoconvert")) || Files.exists(dir.resolve(".git"))) {
        Path fixtures = dir.resolveSibling("shared").resolve("fixtures").resolve("nydus-reference");
        if (Files.isDirectory(fixtures)) {
          return fixtures;
        }
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "shared fixtures not found: expected <repo root>/../shared/fixtures/nydus-reference");
  }

  /** One fixture file, by its path inside {@code nydus-reference}. */
  public static Path file(String name) {
    return nydusReference().resolve(name);
  }
}
