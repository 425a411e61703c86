package dev.autoconvert.rules.matching;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * A compiled namespace, repository or tag pattern. Both syntaxes compile to RE2 (re2j), whose
 * matching time is linear in the input, so no pattern an operator writes can hang intake.
 */
public final class NamePattern {
  /** Longest pattern accepted; longer ones are refused rather than compiled. */
  public static final int MAX_LENGTH = 256;

  private static final NamePattern ANY = new NamePattern("", null, true);
  private static final NamePattern NONE = new NamePattern("", null, false);

  private final String source;
  private final Pattern compiled;
  private final boolean matchesAll; // what a pattern without source matches

  private NamePattern(String source, Pattern compiled, boolean matchesAll) {
    this.source = source;
    this.compiled = compiled;
    this.matchesAll = matchesAll;
  }

  /**
   * Compiles {@code pattern}; null or empty matches everything.
   *
   * @throws InvalidPatternException naming the pattern when it is too long or malformed
   */
  public static NamePattern compile(String pattern, PatternSyntax syntax) {
    if (pattern == null || pattern.isEmpty()) {
      return ANY;
    }
    return compiled(pattern, syntax);
  }

  /**
   * Compiles an exclusion {@code pattern}; null or empty matches nothing.
   *
   * @throws InvalidPatternException naming the pattern when it is too long or malformed
   */
  public static NamePattern exclusion(String pattern, PatternSyntax syntax) {
    if (pattern == null || pattern.isEmpty()) {
      return NONE;
    }
    return compiled(pattern, syntax);
  }

  private static NamePattern compiled(String pattern, PatternSyntax syntax) {
    if (pattern.length() > MAX_LENGTH) {
      throw new InvalidPatternException(
          pattern.substring(0, 40) + "…",
          "is " + pattern.length() + " characters, longer than the " + MAX_LENGTH + " allowed");
    }
    String regex = syntax == PatternSyntax.GLOB ? GlobTranslator.toRegex(pattern) : pattern;
    try {
      return new NamePattern(pattern, Pattern.compile(regex), false);
    } catch (PatternSyntaxException e) {
      throw new InvalidPatternException(pattern, e.getDescription());
    }
  }

  /** Whether the whole of {@code input} matches. */
  public boolean matches(String input) {
    return compiled == null ? matchesAll : compiled.matcher(input).matches();
  }

  @Override
  public String toString() {
    return compiled != null ? source : matchesAll ? "<any>" : "<none>";
  }
}
