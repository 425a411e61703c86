package dev.autoconvert.rules.matching;

/**
 * The compiled patterns of one rule. The namespace is the first path segment of the repository (the
 * whole name when it has no {@code /}).
 */
public record RuleMatcher(
    String registry, NamePattern namespace, NamePattern repository, NamePattern tag) {

  /**
   * Compiles a rule's patterns.
   *
   * @param registry the registry the rule applies to; null for every registry
   * @throws InvalidPatternException naming the first pattern that does not compile
   */
  public static RuleMatcher compile(
      String registry,
      String namespacePattern,
      String repositoryPattern,
      String tagPattern,
      PatternSyntax syntax) {
    return new RuleMatcher(
        registry,
        NamePattern.compile(namespacePattern, syntax),
        NamePattern.compile(repositoryPattern, syntax),
        NamePattern.compile(tagPattern, syntax));
  }

  /** Whether a push matches; a null {@code pushRegistry} (dry run without one) skips that check. */
  public boolean matches(String pushRegistry, String repositoryName, String tagName) {
    return (registry == null || pushRegistry == null || registry.equalsIgnoreCase(pushRegistry))
        && matchesRepository(repositoryName)
        && tag.matches(tagName);
  }

  /** Whether a repository's name and namespace match, whatever the tag (catalog filtering). */
  public boolean matchesRepository(String repositoryName) {
    return namespace.matches(namespaceOf(repositoryName)) && repository.matches(repositoryName);
  }

  static String namespaceOf(String repository) {
    int slash = repository.indexOf('/');
    return slash < 0 ? repository : repository.substring(0, slash);
  }
}
