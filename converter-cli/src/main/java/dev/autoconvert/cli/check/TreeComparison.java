package dev.autoconvert.cli.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The differences between an expected and an actual tree, one line per path. */
public final class TreeComparison {
  private TreeComparison() {}

  /**
   * Compares {@code expected} with {@code actual}. Symlink permission bits are not compared (Linux
   * gives every symlink 0777), nor xattrs where one side does not know them.
   */
  public static List<String> differences(
      Map<String, FileNode> expected, Map<String, FileNode> actual) {
    List<String> out = new ArrayList<>();
    TreeSet<String> paths = new TreeSet<>(expected.keySet());
    paths.addAll(actual.keySet());
    for (String path : paths) {
      FileNode e = expected.get(path);
      FileNode a = actual.get(path);
      if (e == null) {
        out.add(path + ": unexpected in the converted image");
      } else if (a == null) {
        out.add(path + ": missing from the converted image");
      } else {
        String d = comparable(e).differences(comparable(a));
        if (!d.isEmpty()) {
          out.add(path + ": " + d);
        }
      }
    }
    return out;
  }

  private static FileNode comparable(FileNode n) {
    if (n.type() == 'l') {
      return new FileNode(
          'l', 0, n.uid(), n.gid(), n.size(), null, n.linkTarget(), 0, 0, 0, n.xattrs());
    }
    return n;
  }
}
