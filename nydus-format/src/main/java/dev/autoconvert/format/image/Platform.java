package dev.autoconvert.format.image;

import java.util.List;

/**
 * An index entry's platform, or a platform filter written {@code os/architecture[/variant]}.
 *
 * @param os e.g. {@code linux}
 * @param architecture e.g. {@code arm64}
 * @param variant e.g. {@code v8}; null when not given
 * @param osVersion kept as read; null when absent
 * @param osFeatures kept as read; never null
 */
public record Platform(
    String os, String architecture, String variant, String osVersion, List<String> osFeatures) {
  public Platform {
    osFeatures = osFeatures == null ? List.of() : List.copyOf(osFeatures);
  }

  /** Parses {@code os/architecture[/variant]}, naming the bad input when it is malformed. */
  public static Platform parse(String text) {
    String[] parts = text == null ? new String[0] : text.split("/", -1);
    if (parts.length < 2 || parts.length > 3 || anyBlank(parts)) {
      throw new IllegalArgumentException(
          "platform '" + text + "' is not os/architecture[/variant], e.g. linux/arm64/v8");
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null, null, null);
  }

  private static boolean anyBlank(String[] parts) {
    for (String p : parts) {
      if (p.isBlank()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether this platform is the one {@code filter} asks for; a filter without variant takes any.
   */
  public boolean matches(Platform filter) {
    return os.equals(filter.os)
        && architecture.equals(filter.architecture)
        && (filter.variant == null || filter.variant.equals(variant));
  }

  @Override
  public String toString() {
    return os + "/" + architecture + (variant == null ? "" : "/" + variant);
  }
}
