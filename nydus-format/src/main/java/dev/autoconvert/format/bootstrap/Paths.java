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
    for (int start = 1, end; start <= path.length(); start = end + 1) {
      end = path.indexOf('/', start);
      if (end < 0) {
        end = path.length();
      }
      String segment = path.substring(start, end);
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("entry path is not normalised: " + path);
      }
      if (segment.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("entry path contains NUL: " + path);
      }
      // A UTF-16 unit takes at most 3 UTF-8 bytes: only long names need counting.
      int length =
          segment.length() * 3 <= Dirent.MAX_NAME_LENGTH
              ? 0
              : segment.getBytes(StandardCharsets.UTF_8).length;
      if (length > Dirent.MAX_NAME_LENGTH) {
        throw new IllegalArgumentException(
            "name of " + length + " bytes exceeds the 255-byte limit: " + path);
      }
    }
  }
}
