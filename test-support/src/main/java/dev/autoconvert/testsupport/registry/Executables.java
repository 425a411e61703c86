package dev.autoconvert.testsupport.registry;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Finds tools on PATH and runs them; a missing tool skips the test visibly. */
public final class Executables {
  private static final long TIMEOUT_SECONDS = 300;

  private Executables() {}

  public static boolean onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, name))) {
        return true;
      }
    }
    return false;
  }

  /** Skips the calling test (JUnit assumption) when {@code name} is not on PATH. */
  public static void assumeOnPath(String name) {
    Assumptions.assumeTrue(onPath(name), name + " is not installed (not on PATH): test skipped");
  }

  /**
   * Runs a command to completion and returns its standard output; fails with the command, exit code
   * and output when it exits non-zero. Arguments may hold secrets: pass {@code redacted} to keep
   * them out of the failure message.
   */
  public static String run(List<String> command, String... redacted) throws IOException {
    Path output = Files.createTempFile("cmd", ".out");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      boolean done;
      try {
        done = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while running " + command.get(0), e);
      }
      String text = Files.readString(output, StandardCharsets.UTF_8);
      if (!done) {
        process.destroyForcibly();
      }
      if (!done || process.exitValue() != 0) {
        String shown = String.join(" ", command);
        for (String secret : redacted) {
          shown = shown.replace(secret, "****");
          text = text.replace(secret, "****");
        }
        throw new IOException(
            shown + (done ? " exited with " + process.exitValue() : " timed out") + ":\n" + text);
      }
      return text;
    } finally {
      Files.deleteIfExists(output);
    }
  }
}
