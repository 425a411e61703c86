package dev.autoconvert.rules.job;

import dev.autoconvert.oci.ImageReference;
import java.util.Optional;

/**
 * The OCI distribution spec caps a tag at 128 characters ({@code
 * [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}}).
 */
public final class TagLimit {
  public static final int MAX_TAG_LENGTH = ImageReference.MAX_TAG_LENGTH;

  /** The suffix a Nydus copy's tag gets unless a rule says otherwise. */
  public static final String DEFAULT_SUFFIX = "-nydus";

  /** How much of an over-long tag a reason shows, so the message stays readable. */
  private static final int SHOWN = 40;

  private TagLimit() {}

  /** Why {@code sourceTag + suffix} is not a valid tag, or empty when it is short enough. */
  public static Optional<String> tooLong(String sourceTag, String suffix) {
    int length = sourceTag.length() + suffix.length();
    if (length <= MAX_TAG_LENGTH) {
      return Optional.empty();
    }
    String shown = sourceTag.length() > SHOWN ? sourceTag.substring(0, SHOWN) + "…" : sourceTag;
    return Optional.of(
        "tag '%s' is %d characters; with suffix '%s' it would be %d, over the %d an OCI tag may have"
            .formatted(shown, sourceTag.length(), suffix, length, MAX_TAG_LENGTH));
  }
}
