package dev.autoconvert.format.read;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared upstream fixtures: {@code <repo root>/../shared/fixtures/nydus-reference}, the
 * repo root being the first directory upwards holding {@code autoconvert} or {@code .git}.
 */
public final class ReferenceFixtures {

  private ReferenceFixtures() {}

  public static Path dir() {
    Path start = Path.of("").toAbsolutePath();
    for (Path p = start; p != null; p = p.getParent()) {
      if (Files.exists(p.resolve("autoconvert")) || Files.exists(p.resolve(".git"))) {
        Path fixtures = p.resolveSibling("shared").resolve("fixtures").resolve("nydus-reference");
        if (Files.isDirectory(fixtures)) {
          return fixtures;
        }
        throw new IllegalStateException("no nydus-reference fixtures at " + fixtures);
      }
    }
    throw new IllegalStateException("no repository root above " + start);
  }

  public static Path file(String name) {
    return dir().resolve(name);
  }
}
