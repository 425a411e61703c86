package dev.autoconvert.oci;

import java.util.regex.Pattern;

/**
 * A reference to an image in a registry: {@code registry/repository[:tag][@digest]}, validated with
 * the grammar of the CNCF distribution reference package. A reference without a registry names
 * Docker Hub (with the implicit {@code library/} namespace); one without tag and digest means
 * {@code latest}. Either tag or digest may be null, not both.
 */
public record ImageReference(String registry, String repository, String tag, Digest digest) {
  public static final String DOCKER_HUB = "docker.io";
  public static final String DEFAULT_TAG = "latest";

  /** Longest tag the distribution spec allows. */
  public static final int MAX_TAG_LENGTH = 128;

  /** Longest repository name (with registry) the distribution grammar allows. */
  private static final int NAME_TOTAL_LENGTH_MAX = 255;

  private static final String DOMAIN_COMPONENT =
      "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final Pattern DOMAIN =
      Pattern.compile(
          "(?:"
              + DOMAIN_COMPONENT
              + "(?:\\."
              + DOMAIN_COMPONENT
              + ")*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?");
  private static final String ALPHA_NUMERIC = "[a-z0-9]+";
  private static final String PATH_COMPONENT =
      ALPHA_NUMERIC + "(?:(?:[._]|__|-+)" + ALPHA_NUMERIC + ")*";
  private static final Pattern REPOSITORY =
      Pattern.compile(PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*");
  private static final Pattern TAG =
      Pattern.compile("[\\w][\\w.-]{0," + (MAX_TAG_LENGTH - 1) + "}");

  public ImageReference {
    if (registry == null || !DOMAIN.matcher(registry).matches()) {
      throw new IllegalArgumentException("invalid registry '" + registry + "'");
    }
    if (repository == null || !REPOSITORY.matcher(repository).matches()) {
      throw new IllegalArgumentException(
          "invalid repository '"
              + repository
              + "': lowercase letters, digits and separators (. _ __ -) between path components");
    }
    if (registry.length() + 1 + repository.length() > NAME_TOTAL_LENGTH_MAX) {
      throw new IllegalArgumentException(
          "repository name '" + registry + "/" + repository + "' is longer than 255 characters");
    }
    if (tag != null && !TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException(
          "invalid tag '"
              + tag
              + "': up to "
              + MAX_TAG_LENGTH
              + " of [A-Za-z0-9_.-], not starting with . or -");
    }
    if (tag == null && digest == null) {
      throw new IllegalArgumentException(
          "reference " + registry + "/" + repository + " needs a tag or a digest");
    }
  }

  /** A reference by tag. */
  public static ImageReference of(String registry, String repository, String tag) {
    return new ImageReference(registry, repository, tag, null);
  }

  /**
   * Parses {@code [registry/]repository[:tag][@digest]}. The message of the exception contains the
   * whole bad input.
   */
  public static ImageReference parse(String reference) {
    if (reference == null || reference.isEmpty()) {
      throw new IllegalArgumentException("image reference is empty");
    }
    try {
      String rest = reference;
      Digest digest = null;
      int at = rest.indexOf('@');
      if (at >= 0) {
        digest = Digest.parse(rest.substring(at + 1));
        rest = rest.substring(0, at);
      }
      String tag = null;
      int colon = rest.lastIndexOf(':');
      if (colon > rest.lastIndexOf('/')) {
        tag = rest.substring(colon + 1);
        rest = rest.substring(0, colon);
      }
      String registry = DOCKER_HUB;
      int slash = rest.indexOf('/');
      if (slash > 0 && looksLikeRegistry(rest.substring(0, slash))) {
        registry = rest.substring(0, slash);
        rest = rest.substring(slash + 1);
      }
      if (registry.equals(DOCKER_HUB) && rest.indexOf('/') < 0) {
        rest = "library/" + rest;
      }
      if (tag == null && digest == null) {
        tag = DEFAULT_TAG;
      }
      return new ImageReference(registry, rest, tag, digest);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid image reference '" + reference + "': " + e.getMessage(), e);
    }
  }

  /**
   * Docker's rule: the first component names a registry if it has a dot, a port or is localhost.
   */
  private static boolean looksLikeRegistry(String component) {
    return component.contains(".")
        || component.contains(":")
        || component.equals("localhost")
        || !component.equals(component.toLowerCase(java.util.Locale.ROOT));
  }

  public ImageReference withTag(String newTag) {
    return new ImageReference(registry, repository, newTag, null);
  }

  public ImageReference withDigest(Digest newDigest) {
    return new ImageReference(registry, repository, null, newDigest);
  }

  /**
   * What the registry API addresses: the digest when there is one (it pins the content), else the
   * tag.
   */
  public String apiReference() {
    return digest != null ? digest.toString() : tag;
  }

  /** {@code registry/repository}, as used in error messages and mount sources. */
  public String name() {
    return registry + "/" + repository;
  }

  @Override
  public String toString() {
    return name() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
  }
}
