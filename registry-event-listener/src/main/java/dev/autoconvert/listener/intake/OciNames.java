package dev.autoconvert.listener.intake;

import java.util.regex.Pattern;

/**
 * Grammar of repository names, tags and digests from the OCI distribution spec ("Pulling
 * manifests"), checked before a push event leaves the listener so that no consumer sees a reference
 * it cannot use.
 */
public final class OciNames {
  private static final Pattern REPOSITORY =
      Pattern.compile("[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*");
  private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
  private static final Pattern DIGEST =
      Pattern.compile("[a-z0-9]+([+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");

  /** The spec allows any length; 255 keeps keys and log lines bounded (Distribution: 255). */
  private static final int MAX_REPOSITORY_LENGTH = 255;

  private static final int MAX_DIGEST_LENGTH = 256;

  private OciNames() {}

  public static String repository(String value, String where) {
    if (value == null
        || value.length() > MAX_REPOSITORY_LENGTH
        || !REPOSITORY.matcher(value).matches()) {
      throw new MalformedWebhookException(where + ": invalid repository name " + quote(value));
    }
    return value;
  }

  public static String tag(String value, String where) {
    if (value == null || !TAG.matcher(value).matches()) {
      throw new MalformedWebhookException(where + ": invalid tag " + quote(value));
    }
    return value;
  }

  public static String digest(String value, String where) {
    if (value == null || value.length() > MAX_DIGEST_LENGTH || !DIGEST.matcher(value).matches()) {
      throw new MalformedWebhookException(where + ": invalid digest " + quote(value));
    }
    return value;
  }

  /**
   * Whether a tag field holds a digest: Harbor puts the digest into {@code tag} for pushes by
   * digest. A real tag cannot contain a colon.
   */
  public static boolean isDigest(String tag) {
    return tag.indexOf(':') >= 0;
  }

  /** Quotes a value for an error message, cut short so a hostile body cannot flood the answer. */
  public static String quote(String value) {
    if (value == null) {
      return "(missing)";
    }
    String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
    // Control characters would let a body forge log lines.
    return "\"" + shown.replaceAll("\\p{Cntrl}", "?") + "\"";
  }
}
