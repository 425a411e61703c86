package dev.autoconvert.system;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The checkout's root: the nearest directory above the working directory holding {@code
 * autoconvert}.
 */
final class RepoRoot {

  private RepoRoot() {}

  static Path find() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("autoconvert"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no 'autoconvert' script in " + start + " or above");
  }
}
