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

  private static final NamePattern ANY = new NamePattern("", null);

  private final String source;
  private final Pattern compiled;

  private NamePattern(String source, Pattern compiled) {
    this.source = source;
    this.compiled = compiled;
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
    if (pattern.length() > MAX_LENGTH) {
      throw new InvalidPatternException(
          pattern.substring(0, 40) + "…",
          "is " + pattern.length() + " characters, longer than the " + MAX_LENGTH + " allowed");
    }
    String regex = syntax == PatternSyntax.GLOB ? GlobTranslator.toRegex(pattern) : pattern;
    try {
      return new NamePattern(pattern, Pattern.compile(regex));
    } catch (PatternSyntaxException e) {
      throw new InvalidPatternException(pattern, e.getDescription());
    }
  }

  /** Whether the whole of {@code input} matches. */
  public boolean matches(String input) {
    return compiled == null || compiled.matcher(input).matches();
  }

  @Override
  public String toString() {
    return compiled == null ? "<any>" : source;
  }
}
