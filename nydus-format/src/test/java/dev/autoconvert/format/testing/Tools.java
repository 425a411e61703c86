package dev.autoconvert.format.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs third-party tools (erofs-utils, mount, losetup, getfattr) found on PATH. */
public final class Tools {

  private Tools() {}

  /** Outcome of one command. */
  public record Result(List<String> command, int exit, String stdout, String stderr) {
    public Result requireSuccess() {
      if (exit != 0) {
        throw new AssertionError(
            String.join(" ", command)
                + " exited "
                + exit
                + "\nstdout: "
                + stdout
                + "\nstderr: "
                + stderr);
      }
      return this;
    }
  }

  public static boolean onPath(String binary) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) {
        return true;
      }
    }
    return false;
  }

  public static Result run(List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("tool", ".out");
    Path err = Files.createTempFile("tool", ".err");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish within 60 s");
      }
      return new Result(
          command,
          p.exitValue(),
          Files.readString(out, StandardCharsets.ISO_8859_1),
          Files.readString(err, StandardCharsets.ISO_8859_1));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  public static boolean isRoot() {
    try {
      return run(List.of("id", "-u")).stdout().trim().equals("0");
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
