package dev.autoconvert.rules.matching;

/** A rule pattern that cannot be compiled; the message names the pattern and what is wrong. */
public class InvalidPatternException extends RuntimeException {
  private final String pattern;

  InvalidPatternException(String pattern, String problem) {
    super("invalid pattern '" + pattern + "': " + problem);
    this.pattern = pattern;
  }

  public String pattern() {
    return pattern;
  }
}
