package dev.autoconvert.format.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Mounts a bootstrap through the kernel's EROFS driver with each blob cache on a read-only loop
 * device (NYDUS-FORMAT.md §6.2). Skips the calling test, with the reason, where loop devices or
 * mount are not permitted; {@link #close()} always unmounts and detaches what it attached.
 */
public final class KernelMount implements AutoCloseable {

  private final List<String> loops = new ArrayList<>();
  private final Path mountPoint;
  private boolean mounted;

  private KernelMount(Path mountPoint) {
    this.mountPoint = mountPoint;
  }

  public static void assumeAvailable() {
    assumeTrue(
        Tools.onPath("losetup") && Tools.onPath("mount") && Tools.onPath("getfattr"),
        "SKIPPED: losetup, mount or getfattr not on PATH");
    assumeTrue(Tools.isRoot(), "SKIPPED: kernel EROFS mount needs root (losetup, mount)");
  }

  public static KernelMount mount(Path bootstrap, List<Path> caches, Path mountPoint)
      throws IOException, InterruptedException {
    KernelMount m = new KernelMount(mountPoint);
    try {
      StringBuilder options = new StringBuilder("ro");
      for (Path cache : caches) {
        options.append(",device=").append(m.attach(cache));
      }
      String bootLoop = m.attach(bootstrap);
      Tools.Result r =
          Tools.run(
              List.of(
                  "mount",
                  "-t",
                  "erofs",
                  "-o",
                  options.toString(),
                  bootLoop,
                  mountPoint.toString()));
      assumeTrue(
          r.exit() == 0
              || !(r.stderr().contains("permission denied")
                  || r.stderr().contains("not permitted")),
          "SKIPPED: mount -t erofs not permitted here: " + r.stderr().trim());
      r.requireSuccess();
      m.mounted = true;
      return m;
    } catch (RuntimeException | Error | IOException | InterruptedException e) {
      m.close();
      throw e;
    }
  }

  private String attach(Path file) throws IOException, InterruptedException {
    Tools.Result r = Tools.run(List.of("losetup", "-f", "--show", "-r", file.toString()));
    assumeTrue(r.exit() == 0, "SKIPPED: cannot attach a loop device: " + r.stderr().trim());
    String loop = r.stdout().trim();
    loops.add(loop);
    return loop;
  }

  public Path root() {
    return mountPoint;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    if (mounted) {
      Tools.run(List.of("umount", mountPoint.toString())).requireSuccess();
      mounted = false;
    }
    for (String loop : loops) {
      Tools.run(List.of("losetup", "-d", loop));
    }
    loops.clear();
  }
}
