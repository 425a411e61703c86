package dev.autoconvert.rules.matching;

/**
 * The compiled patterns of one rule. The namespace is the first path segment of the repository (the
 * whole name when it has no {@code /}). A push matches when the namespace, repository and tag
 * patterns match and neither exclusion does: exclusions say what inclusion patterns cannot, such as
 * "every tag but {@code *-debug}" (RE2 has no negative lookahead).
 */
public record RuleMatcher(
    String registry,
    NamePattern namespace,
    NamePattern repository,
    NamePattern tag,
    NamePattern excludedRepository,
    NamePattern excludedTag) {

  /**
   * A rule's patterns as written, all in one syntax.
   *
   * @param namespace null or empty: every namespace (likewise repository and tag)
   * @param excludeRepository null or empty: no repository is excluded (likewise excludeTag)
   */
  public record Patterns(
      String namespace,
      String repository,
      String tag,
      String excludeRepository,
      String excludeTag,
      PatternSyntax syntax) {}

  /**
   * Compiles a rule's patterns.
   *
   * @param registry the registry the rule applies to; null for every registry
   * @throws InvalidPatternException naming the first pattern that does not compile
   */
  public static RuleMatcher compile(String registry, Patterns patterns) {
    PatternSyntax syntax = patterns.syntax();
    return new RuleMatcher(
        registry,
        NamePattern.compile(patterns.namespace(), syntax),
        NamePattern.compile(patterns.repository(), syntax),
        NamePattern.compile(patterns.tag(), syntax),
        NamePattern.exclusion(patterns.excludeRepository(), syntax),
        NamePattern.exclusion(patterns.excludeTag(), syntax));
  }

  /** Whether a push matches; a null {@code pushRegistry} (dry run without one) skips that check. */
  public boolean matches(String pushRegistry, String repositoryName, String tagName) {
    return (registry == null || pushRegistry == null || registry.equalsIgnoreCase(pushRegistry))
        && matchesRepository(repositoryName)
        && tag.matches(tagName)
        && !excludedTag.matches(tagName);
  }

  /** Whether a repository's name and namespace match, whatever the tag (catalog filtering). */
  public boolean matchesRepository(String repositoryName) {
    return namespace.matches(namespaceOf(repositoryName))
        && repository.matches(repositoryName)
        && !excludedRepository.matches(repositoryName);
  }

  static String namespaceOf(String repository) {
    int slash = repository.indexOf('/');
    return slash < 0 ? repository : repository.substring(0, slash);
  }
}
