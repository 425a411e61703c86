package dev.autoconvert.oci.registry;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed {@code WWW-Authenticate} header (RFC 7235): the scheme and its parameters, e.g. {@code
 * Bearer realm="https://auth/token",service="registry",scope="repository:app:pull,push"}. Quoted
 * values may contain commas and escaped quotes.
 */
record AuthChallenge(String scheme, Map<String, String> params) {
  static final String BASIC = "basic";
  static final String BEARER = "bearer";

  AuthChallenge {
    scheme = scheme.toLowerCase(Locale.ROOT);
    params = Map.copyOf(params);
  }

  /** Empty when the header names no scheme. */
  static Optional<AuthChallenge> parse(String header) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String value = header.strip();
    int space = value.indexOf(' ');
    String scheme = space < 0 ? value : value.substring(0, space);
    Map<String, String> params = new LinkedHashMap<>();
    int i = space < 0 ? value.length() : space + 1;
    while (i < value.length()) {
      while (i < value.length() && (value.charAt(i) == ',' || value.charAt(i) == ' ')) {
        i++;
      }
      int eq = value.indexOf('=', i);
      if (eq < 0) {
        break;
      }
      String name = value.substring(i, eq).trim().toLowerCase(Locale.ROOT);
      i = eq + 1;
      StringBuilder v = new StringBuilder();
      if (i < value.length() && value.charAt(i) == '"') {
        for (i++; i < value.length() && value.charAt(i) != '"'; i++) {
          char c = value.charAt(i);
          if (c == '\\' && i + 1 < value.length()) {
            c = value.charAt(++i);
          }
          v.append(c);
        }
        i++; // closing quote
      } else {
        for (; i < value.length() && value.charAt(i) != ','; i++) {
          v.append(value.charAt(i));
        }
      }
      params.put(name, v.toString().trim());
    }
    return Optional.of(new AuthChallenge(scheme, params));
  }

  boolean isBasic() {
    return BASIC.equals(scheme);
  }

  boolean isBearer() {
    return BEARER.equals(scheme);
  }

  String param(String name) {
    return params.get(name);
  }
}
