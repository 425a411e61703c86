package dev.autoconvert.format.testing;

import dev.autoconvert.format.tree.Entry;
import dev.autoconvert.format.tree.FileType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * What a filesystem user can observe about each path, from an extracted or mounted directory or
 * from the entries that were written, so the two can be compared with one equality.
 */
public final class TreeFacts {

  /** Attributes of one path; xattrs null when the source cannot show them. */
  public record Facts(
      String type,
      String mode,
      long uid,
      long gid,
      long size,
      String sha256,
      String target,
      String rdev,
      long nlink,
      Map<String, String> xattrs) {}

  private TreeFacts() {}

  /**
   * What the written tree should look like: parents synthesised 0755 root:root, hardlinked names
   * sharing content and nlink, directory nlink 2 + subdirectories. Directory sizes are not compared
   * (they depend on the filesystem).
   */
  public static Map<String, Facts> expected(
      List<Entry> entries, Function<Entry, byte[]> contents, boolean withXattrs) {
    Map<String, Entry> byPath = new TreeMap<>();
    for (Entry e : entries) {
      byPath.put(e.path(), e);
    }
    byPath.putIfAbsent("/", syntheticDir("/"));
    for (String p : List.copyOf(byPath.keySet())) {
      for (String parent = parent(p); parent != null; parent = parent(parent)) {
        byPath.putIfAbsent(parent, syntheticDir(parent));
      }
    }
    Map<String, Integer> names = new HashMap<>();
    Map<String, Integer> subdirs = new HashMap<>();
    for (Entry e : byPath.values()) {
      String inode = e.hardlinkTo() != null ? e.hardlinkTo() : e.path();
      names.merge(inode, 1, Integer::sum);
      if (e.type() == FileType.DIRECTORY && !e.path().equals("/")) {
        subdirs.merge(parent(e.path()), 1, Integer::sum);
      }
    }
    Map<String, Facts> out = new TreeMap<>();
    for (Entry e : byPath.values()) {
      Entry inode = e.hardlinkTo() != null ? byPath.get(e.hardlinkTo()) : e;
      boolean dir = inode.type() == FileType.DIRECTORY;
      boolean device =
          inode.type() == FileType.CHAR_DEVICE || inode.type() == FileType.BLOCK_DEVICE;
      byte[] content = inode.type() == FileType.REGULAR ? contents.apply(inode) : null;
      Map<String, String> xattrs = new TreeMap<>();
      inode.xattrs().forEach((k, v) -> xattrs.put(k, HexFormat.of().formatHex(v)));
      out.put(
          e.path(),
          new Facts(
              inode.type().name(),
              Integer.toOctalString(inode.mode()),
              inode.uid(),
              inode.gid(),
              dir
                  ? 0
                  : inode.type() == FileType.REGULAR || inode.type() == FileType.SYMLINK
                      ? inode.size()
                      : 0,
              inode.type() == FileType.REGULAR
                  ? hex(SyntheticImage.sha256(content == null ? new byte[0] : content))
                  : null,
              inode.linkTarget(),
              device ? inode.rdevMajor() + ":" + inode.rdevMinor() : null,
              dir ? 2 + subdirs.getOrDefault(e.path(), 0) : names.get(inode.path()),
              withXattrs ? xattrs : null));
    }
    return out;
  }

  /** Reads a directory tree from disk; xattrs (all namespaces, via getfattr) when asked. */
  public static Map<String, Facts> actual(Path root, boolean withXattrs)
      throws IOException, InterruptedException {
    Map<String, Map<String, String>> xattrs = withXattrs ? getfattr(root) : Map.of();
    Map<String, Facts> out = new TreeMap<>();
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.toList();
    }
    for (Path p : paths) {
      String rel = root.relativize(p).toString();
      String path = "/" + rel;
      Map<String, Object> a =
          Files.readAttributes(p, "unix:mode,uid,gid,rdev,nlink,size", LinkOption.NOFOLLOW_LINKS);
      int mode = (Integer) a.get("mode");
      String type = type(mode);
      long rdev = (Long) a.get("rdev");
      boolean device = type.equals("CHAR_DEVICE") || type.equals("BLOCK_DEVICE");
      out.put(
          path,
          new Facts(
              type,
              Integer.toOctalString(mode & 07777),
              (Integer) a.get("uid"),
              (Integer) a.get("gid"),
              type.equals("DIRECTORY") || device || type.equals("FIFO") || type.equals("SOCKET")
                  ? 0
                  : (Long) a.get("size"),
              type.equals("REGULAR") ? hex(SyntheticImage.sha256(Files.readAllBytes(p))) : null,
              type.equals("SYMLINK") ? Files.readSymbolicLink(p).toString() : null,
              device ? major(rdev) + ":" + minor(rdev) : null,
              (Integer) a.get("nlink"),
              withXattrs ? xattrs.getOrDefault(path, Map.of()) : null));
    }
    return out;
  }

  private static String type(int mode) {
    return switch (mode & 0170000) {
      case 0100000 -> "REGULAR";
      case 0040000 -> "DIRECTORY";
      case 0120000 -> "SYMLINK";
      case 0020000 -> "CHAR_DEVICE";
      case 0060000 -> "BLOCK_DEVICE";
      case 0010000 -> "FIFO";
      case 0140000 -> "SOCKET";
      default -> "UNKNOWN " + Integer.toOctalString(mode);
    };
  }

  /** glibc's 64-bit dev_t split. */
  private static long major(long dev) {
    return ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
  }

  private static long minor(long dev) {
    return (dev & 0xff) | ((dev >>> 12) & ~0xffL);
  }

  /**
   * All xattrs under {@code root} in one getfattr run; its output escapes unusual bytes in names as
   * \ooo, which is undone here.
   */
  private static Map<String, Map<String, String>> getfattr(Path root)
      throws IOException, InterruptedException {
    Tools.Result r =
        Tools.run(
            List.of(
                "getfattr",
                "-R",
                "-h",
                "-d",
                "-m",
                "-",
                "-e",
                "hex",
                "--absolute-names",
                root.toString()));
    Map<String, Map<String, String>> out = new HashMap<>();
    String current = null;
    for (String line : r.stdout().split("\n")) {
      if (line.startsWith("# file: ")) {
        String abs = unescape(line.substring("# file: ".length()));
        current = abs.equals(root.toString()) ? "/" : abs.substring(root.toString().length());
        out.put(current, new TreeMap<>());
      } else if (current != null && line.contains("=")) {
        int eq = line.indexOf('=');
        String value = line.substring(eq + 1);
        out.get(current)
            .put(
                unescape(line.substring(0, eq)),
                value.startsWith("0x") ? value.substring(2) : value);
      }
    }
    return out;
  }

  /** All xattrs of one path (not following symlinks), values in hex. */
  public static Map<String, String> xattrsOf(Path p) throws IOException, InterruptedException {
    Tools.Result r =
        Tools.run(
            List.of(
                "getfattr", "-h", "-d", "-m", "-", "-e", "hex", "--absolute-names", p.toString()));
    Map<String, String> out = new TreeMap<>();
    for (String line : r.stdout().split("\n")) {
      int eq = line.indexOf('=');
      if (!line.startsWith("#") && eq > 0) {
        String value = line.substring(eq + 1);
        out.put(
            unescape(line.substring(0, eq)), value.startsWith("0x") ? value.substring(2) : value);
      }
    }
    return out;
  }

  private static String unescape(String latin1) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < latin1.length(); i++) {
      char c = latin1.charAt(i);
      if (c == '\\' && isOctal(latin1, i + 1)) {
        bytes.write(Integer.parseInt(latin1.substring(i + 1, i + 4), 8));
        i += 3;
      } else if (c == '\\' && i + 1 < latin1.length() && latin1.charAt(i + 1) == '\\') {
        bytes.write('\\');
        i++;
      } else {
        bytes.write(c);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static boolean isOctal(String s, int at) {
    if (at + 3 > s.length()) {
      return false;
    }
    for (int i = at; i < at + 3; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '7') {
        return false;
      }
    }
    return true;
  }

  /**
   * Written from the rule (0755 root:root, mtime 0), not with {@code Entry.impliedDirectory}: the
   * expectation must not come from the code it checks.
   */
  private static Entry syntheticDir(String path) {
    return new Entry(
        path,
        FileType.DIRECTORY,
        0755,
        0,
        0,
        0,
        0,
        0,
        null,
        null,
        0,
        0,
        new TreeMap<>(),
        List.of());
  }

  private static String parent(String path) {
    if (path.equals("/")) {
      return null;
    }
    int slash = path.lastIndexOf('/');
    return slash == 0 ? "/" : path.substring(0, slash);
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  /** Differences between two fact maps, one line per path, for readable assertion failures. */
  public static List<String> differences(Map<String, Facts> expected, Map<String, Facts> actual) {
    List<String> diffs = new ArrayList<>();
    for (String p : expected.keySet()) {
      if (!actual.containsKey(p)) {
        diffs.add("missing " + p);
      } else if (!expected.get(p).equals(actual.get(p))) {
        diffs.add(p + "\n  expected " + expected.get(p) + "\n  actual   " + actual.get(p));
      }
    }
    for (String p : actual.keySet()) {
      if (!expected.containsKey(p)) {
        diffs.add("unexpected " + p + " " + actual.get(p));
      }
    }
    return diffs;
  }
}
