package dev.autoconvert.rules.matching;

/**
 * Translates a glob into RE2 syntax: {@code *} is any run of characters except {@code /}, {@code
 * **} any run including {@code /} ({@code a/**}{@code /b} also matches {@code a/b}), {@code ?} one
 * character except {@code /}, {@code {x,y}} one of the alternatives (which may nest), and {@code \}
 * makes the next character literal. Everything else is literal.
 */
final class GlobTranslator {
  private GlobTranslator() {}

  static String toRegex(String glob) {
    StringBuilder regex = new StringBuilder(glob.length() * 2);
    int depth = 0;
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      switch (c) {
        case '*' -> {
          if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
            i++;
            if (i + 1 < glob.length() && glob.charAt(i + 1) == '/') {
              i++;
              regex.append("(?:.*/)?");
            } else {
              regex.append(".*");
            }
          } else {
            regex.append("[^/]*");
          }
        }
        case '?' -> regex.append("[^/]");
        case '{' -> {
          depth++;
          regex.append("(?:");
        }
        case '}' -> {
          if (depth == 0) {
            throw new InvalidPatternException(glob, "'}' at position " + i + " closes no '{'");
          }
          depth--;
          regex.append(')');
        }
        case ',' -> regex.append(depth > 0 ? "|" : ",");
        case '\\' -> {
          if (i + 1 == glob.length()) {
            throw new InvalidPatternException(glob, "ends with an escaping '\\'");
          }
          appendLiteral(regex, glob.charAt(++i));
        }
        default -> appendLiteral(regex, c);
      }
    }
    if (depth > 0) {
      throw new InvalidPatternException(glob, "'{' is never closed");
    }
    return regex.toString();
  }

  private static void appendLiteral(StringBuilder regex, char c) {
    if ("\\.[]{}()<>*+-=!?^$|".indexOf(c) >= 0) {
      regex.append('\\');
    }
    regex.append(c);
  }
}
