package dev.autoconvert.rules.job;

import java.util.regex.Pattern;

/**
 * A source image reference for a manual conversion: {@code host[:port]/repository:tag} with an
 * optional {@code @sha256:...}. The registry host is required (this service serves several).
 */
record SourceReference(String registry, String repository, String tag, String digest) {
  private static final Pattern REFERENCE =
      Pattern.compile(
          "(?<registry>[A-Za-z0-9.-]+(?::[0-9]{1,5})?)/"
              + "(?<repository>[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*"
              + "(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*)"
              + ":(?<tag>[A-Za-z0-9_][A-Za-z0-9._-]{0,127})"
              + "(?:@(?<digest>sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}))?");

  private static final int MAX_LENGTH = 1024;

  /**
   * @throws IllegalArgumentException naming the reference when it is not of that form
   */
  static SourceReference parse(String reference) {
    if (reference == null || reference.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "source must be a reference of at most " + MAX_LENGTH + " characters");
    }
    var m = REFERENCE.matcher(reference);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "source '"
              + reference
              + "' is not host[:port]/repository:tag[@sha256:<64 hex>],"
              + " e.g. 127.0.0.1:5000/team/app:v1");
    }
    return new SourceReference(
        m.group("registry"), m.group("repository"), m.group("tag"), m.group("digest"));
  }
}
