package dev.autoconvert.rules.matching;

/** How a rule's namespace, repository and tag patterns are written. */
public enum PatternSyntax {
  /** {@code *} within a path segment, {@code **} across segments, {@code ?}, {@code {a,b}}. */
  GLOB,
  /** RE2 syntax (no backreferences or lookaround), matched against the whole input. */
  REGEX
}
