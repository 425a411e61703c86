package dev.autoconvert.oci.registry;

import java.util.regex.Pattern;

/**
 * How to reach one registry: {@code host} as in image references ({@code 127.0.0.1:5000}), whether
 * it speaks plain HTTP (never tried unless configured: there is no fallback from HTTPS), and its
 * credentials (null for anonymous access).
 */
public record RegistryConfig(String host, boolean plainHttp, Credentials credentials) {
  private static final Pattern HOST =
      Pattern.compile("[A-Za-z0-9.\\-]+(?::[0-9]+)?|\\[[0-9a-fA-F:]+\\](?::[0-9]+)?");

  public RegistryConfig {
    if (host == null || !HOST.matcher(host).matches()) {
      throw new IllegalArgumentException("invalid registry host '" + host + "'");
    }
  }

  /** As services configure it: with credentials only where a user name is given. */
  public static RegistryConfig of(
      String host, boolean plainHttp, String usernameOrNull, String password) {
    RegistryConfig config = new RegistryConfig(host, plainHttp, null);
    return usernameOrNull == null || usernameOrNull.isBlank()
        ? config
        : config.withCredentials(usernameOrNull, password == null ? "" : password);
  }

  public static RegistryConfig https(String host) {
    return new RegistryConfig(host, false, null);
  }

  public static RegistryConfig plainHttp(String host) {
    return new RegistryConfig(host, true, null);
  }

  public RegistryConfig withCredentials(String username, String password) {
    return new RegistryConfig(host, plainHttp, new Credentials(username, password));
  }
}
