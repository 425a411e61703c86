package dev.autoconvert.rules.rule;

/** Bean Validation patterns for OCI names, shared by the rule and manual-conversion requests. */
public final class OciNames {
  /** A tag suffix: characters an OCI tag allows, short enough to leave room for the tag. */
  public static final String TAG_SUFFIX = "[A-Za-z0-9._-]{1,64}";

  public static final String TAG_SUFFIX_MESSAGE =
      "must be 1 to 64 characters allowed in an OCI tag ([A-Za-z0-9._-])";

  /** A repository name per the distribution spec's path-component grammar. */
  public static final String REPOSITORY =
      "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*";

  public static final String REPOSITORY_MESSAGE =
      "must be an OCI repository name (lower case, '/'-separated)";

  private OciNames() {}
}
