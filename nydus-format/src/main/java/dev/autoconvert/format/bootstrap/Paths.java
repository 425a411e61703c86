package dev.autoconvert.format.bootstrap;

import dev.autoconvert.format.layout.Dirent;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/** Path checks and the byte order RAFS directories are sorted in. */
final class Paths {

  /** memcmp order of raw name bytes, shorter prefix first: the kernel binary-searches on it. */
  static final Comparator<byte[]> NAME_ORDER = Arrays::compareUnsigned;

  private Paths() {}

  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash == 0 ? "/" : path.substring(0, slash);
  }

  static byte[] name(String path) {
    return path.substring(path.lastIndexOf('/') + 1).getBytes(StandardCharsets.UTF_8);
  }

  /** Rejects paths a bootstrap cannot hold, naming the path. */
  static void check(String path) {
    if (path.equals("/")) {
      return;
    }
    if (path.endsWith("/")) {
      throw new IllegalArgumentException("entry path has a trailing slash: " + path);
    }
    for (String segment : path.substring(1).split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("entry path is not normalised: " + path);
      }
      if (segment.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("entry path contains NUL: " + path);
      }
      int length = segment.getBytes(StandardCharsets.UTF_8).length;
      if (length > Dirent.MAX_NAME_LENGTH) {
        throw new IllegalArgumentException(
            "name of " + length + " bytes exceeds the 255-byte limit: " + path);
      }
    }
  }
}
