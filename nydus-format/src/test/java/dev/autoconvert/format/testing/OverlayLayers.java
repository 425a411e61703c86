package dev.autoconvert.format.testing;

import dev.autoconvert.format.tree.Entry;
import dev.autoconvert.format.tree.FileType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Unpacks synthetic layers into directories in overlayfs's own whiteout format (a 0:0 character
 * device per deleted name, {@code trusted.overlay.opaque=y} on opaque directories), so the kernel's
 * overlayfs can merge them as the reference for our merge. A directory a layer only implies is
 * created with the attributes the lower layers' merged view shows for it, as an unpacker working on
 * a mounted snapshot (copy-up) would.
 */
public final class OverlayLayers implements AutoCloseable {

  private final Path work;
  private final List<Path> layerDirs = new ArrayList<>();
  private final List<Path> mounts = new ArrayList<>();

  public OverlayLayers(Path work) {
    this.work = work;
  }

  /** Unpacks the layers bottom to top, then mounts all of them read-only; returns the mount. */
  public Path mountMerged(List<SyntheticImage> layers) throws IOException, InterruptedException {
    Path empty = Files.createDirectories(work.resolve("empty"));
    for (int i = 0; i < layers.size(); i++) {
      Path lowerView = i == 0 ? null : mount(empty, "view-" + i);
      Path dir = Files.createDirectories(work.resolve("layer-" + i));
      unpack(layers.get(i), dir, lowerView);
      layerDirs.add(dir);
      if (lowerView != null) {
        unmount(lowerView);
      }
    }
    return mount(empty, "merged");
  }

  private Path mount(Path empty, String name) throws IOException, InterruptedException {
    StringBuilder lower = new StringBuilder();
    for (int i = layerDirs.size() - 1; i >= 0; i--) {
      lower.append(layerDirs.get(i)).append(':');
    }
    lower.append(empty); // overlayfs needs two lower dirs when there is no upper dir
    Path at = Files.createDirectories(work.resolve("mnt-" + name));
    Tools.run(
            List.of(
                "mount", "-t", "overlay", "overlay", "-o", "ro,lowerdir=" + lower, at.toString()))
        .requireSuccess();
    mounts.add(at);
    return at;
  }

  private void unmount(Path at) throws IOException, InterruptedException {
    Tools.run(List.of("umount", at.toString())).requireSuccess();
    mounts.remove(at);
  }

  private static void unpack(SyntheticImage layer, Path dir, Path lowerView)
      throws IOException, InterruptedException {
    Map<String, Entry> byPath = new TreeMap<>();
    for (Entry e : layer.entries()) {
      byPath.put(e.path(), e);
    }
    Entry root = byPath.get("/");
    if (root != null) {
      applyAttributes(root, dir);
    } else if (lowerView != null) {
      copyAttributes(lowerView, dir);
    }
    for (Entry e : byPath.values()) {
      if (e.path().equals("/")) {
        continue;
      }
      Path target = dir.resolve(e.path().substring(1));
      ensureParents(dir, target.getParent(), lowerView);
      String name = target.getFileName().toString();
      if (name.equals(".wh..wh..opq")) {
        setfattr(target.getParent(), "trusted.overlay.opaque", "y".getBytes());
        continue;
      }
      if (name.startsWith(".wh.")) {
        run("mknod", target.resolveSibling(name.substring(4)).toString(), "c", "0", "0");
        continue;
      }
      if (e.hardlinkTo() != null) {
        Files.createLink(target, dir.resolve(e.hardlinkTo().substring(1)));
        continue;
      }
      switch (e.type()) {
        case DIRECTORY -> Files.createDirectories(target);
        case REGULAR -> Files.write(target, layer.content(e));
        case SYMLINK -> Files.createSymbolicLink(target, Path.of(e.linkTarget()));
        case CHAR_DEVICE, BLOCK_DEVICE ->
            run(
                "mknod",
                target.toString(),
                e.type() == FileType.CHAR_DEVICE ? "c" : "b",
                String.valueOf(e.rdevMajor()),
                String.valueOf(e.rdevMinor()));
        case FIFO -> run("mkfifo", target.toString());
        case SOCKET ->
            throw new IllegalArgumentException("tar layers cannot carry sockets: " + e.path());
      }
      applyAttributes(e, target);
    }
  }

  private static void ensureParents(Path layerRoot, Path dir, Path lowerView)
      throws IOException, InterruptedException {
    if (dir.equals(layerRoot) || Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    ensureParents(layerRoot, dir.getParent(), lowerView);
    Files.createDirectory(dir);
    Path lower = lowerView == null ? null : lowerView.resolve(layerRoot.relativize(dir).toString());
    if (lower != null && Files.isDirectory(lower, LinkOption.NOFOLLOW_LINKS)) {
      copyAttributes(lower, dir);
    } else {
      Files.setAttribute(dir, "unix:mode", 0755);
    }
  }

  private static void applyAttributes(Entry e, Path p) throws IOException, InterruptedException {
    Files.setAttribute(p, "unix:uid", (int) e.uid(), LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(p, "unix:gid", (int) e.gid(), LinkOption.NOFOLLOW_LINKS);
    if (e.type() != FileType.SYMLINK) {
      Files.setAttribute(p, "unix:mode", e.mode()); // after chown, which clears set-id bits
    }
    for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
      setfattr(p, x.getKey(), x.getValue());
    }
  }

  private static void copyAttributes(Path from, Path to) throws IOException, InterruptedException {
    Map<String, Object> a =
        Files.readAttributes(from, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(to, "unix:uid", a.get("uid"));
    Files.setAttribute(to, "unix:gid", a.get("gid"));
    Files.setAttribute(to, "unix:mode", ((Integer) a.get("mode")) & 07777);
    for (Map.Entry<String, String> x : TreeFacts.xattrsOf(from).entrySet()) {
      setfattr(to, x.getKey(), HexFormat.of().parseHex(x.getValue()));
    }
  }

  private static void setfattr(Path p, String key, byte[] value)
      throws IOException, InterruptedException {
    run("setfattr", "-h", "-n", key, "-v", "0x" + HexFormat.of().formatHex(value), p.toString());
  }

  private static void run(String... cmd) throws IOException, InterruptedException {
    Tools.run(List.of(cmd)).requireSuccess();
  }

  @Override
  public void close() throws IOException, InterruptedException {
    for (Path m : List.copyOf(mounts)) {
      unmount(m);
    }
  }
}
