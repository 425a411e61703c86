package dev.autoconvert.format.tar;

/** Turns tar entry names into absolute, normalised paths, refusing names that leave the root. */
final class TarPaths {
  /** Longest file name component Linux (and EROFS) accept, in bytes. */
  static final int MAX_COMPONENT = 255;

  private TarPaths() {}

  /**
   * "./a/b/", "a//b", "/a/./b" all become "/a/b"; "." and "/" become "/". A ".." that would climb
   * above the root is an error, as is a NUL or an over-long component.
   *
   * <p>One pass over the name without splitting it: this runs once per tar entry.
   */
  static String normalize(String name, LayerLimits limits, String where) throws TarException {
    if (name.isEmpty()) {
      throw new TarException(where + ": empty entry name");
    }
    if (utf8Length(name, 0, name.length()) > limits.maxPathLength()) {
      throw new TarException(where + ": name longer than " + limits.maxPathLength() + " bytes");
    }
    StringBuilder path = new StringBuilder(name.length() + 1);
    int depth = 0;
    for (int start = 0, end; start <= name.length(); start = end + 1) {
      end = name.indexOf('/', start);
      if (end < 0) {
        end = name.length();
      }
      int length = end - start;
      if (length == 0 || (length == 1 && name.charAt(start) == '.')) {
        continue;
      }
      if (length == 2 && name.charAt(start) == '.' && name.charAt(start + 1) == '.') {
        if (depth == 0) {
          throw new TarException(where + ": path escapes the layer root via '..'");
        }
        path.setLength(path.lastIndexOf("/"));
        depth--;
        continue;
      }
      int nul = name.indexOf('\0', start);
      if (nul >= 0 && nul < end) {
        throw new TarException(where + ": name contains a NUL byte");
      }
      if (utf8Length(name, start, end) > MAX_COMPONENT) {
        throw new TarException(where + ": path component longer than " + MAX_COMPONENT + " bytes");
      }
      path.append('/').append(name, start, end);
      if (++depth > limits.maxPathDepth()) {
        throw new TarException(where + ": deeper than " + limits.maxPathDepth() + " levels");
      }
    }
    return depth == 0 ? "/" : path.toString();
  }

  /**
   * UTF-8 length of {@code s[from, to)}. Names come from a UTF-8 decoder, which replaces malformed
   * input, so surrogates only occur in pairs (two chars, four bytes).
   */
  private static int utf8Length(String s, int from, int to) {
    int bytes = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
    }
    return bytes;
  }
}
