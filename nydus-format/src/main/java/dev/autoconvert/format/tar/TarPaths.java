package dev.autoconvert.format.tar;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/** Turns tar entry names into absolute, normalised paths, refusing names that leave the root. */
final class TarPaths {
  /** Longest file name component Linux (and EROFS) accept, in bytes. */
  static final int MAX_COMPONENT = 255;

  private TarPaths() {}

  /**
   * "./a/b/", "a//b", "/a/./b" all become "/a/b"; "." and "/" become "/". A ".." that would climb
   * above the root is an error, as is a NUL or an over-long component.
   */
  static String normalize(String name, LayerLimits limits, String where) throws TarException {
    if (name.isEmpty()) {
      throw new TarException(where + ": empty entry name");
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > limits.maxPathLength()) {
      throw new TarException(where + ": name longer than " + limits.maxPathLength() + " bytes");
    }
    Deque<String> parts = new ArrayDeque<>();
    for (String part : name.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (parts.isEmpty()) {
          throw new TarException(where + ": path escapes the layer root via '..'");
        }
        parts.removeLast();
        continue;
      }
      if (part.indexOf('\0') >= 0) {
        throw new TarException(where + ": name contains a NUL byte");
      }
      if (part.getBytes(StandardCharsets.UTF_8).length > MAX_COMPONENT) {
        throw new TarException(where + ": path component longer than " + MAX_COMPONENT + " bytes");
      }
      parts.addLast(part);
      if (parts.size() > limits.maxPathDepth()) {
        throw new TarException(where + ": deeper than " + limits.maxPathDepth() + " levels");
      }
    }
    return parts.isEmpty() ? "/" : "/" + String.join("/", parts);
  }
}
