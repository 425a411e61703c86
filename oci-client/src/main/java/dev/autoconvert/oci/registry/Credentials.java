package dev.autoconvert.oci.registry;

/**
 * A user name and password for one registry, or an identity token (an OAuth2 refresh token, which
 * the Docker CLI stores as the user name {@code <token>} with the token as secret). Never printed.
 */
public record Credentials(String username, String password) {
  /** The user name Docker's credential helpers answer when the secret is an identity token. */
  public static final String IDENTITY_TOKEN_USER = "<token>";

  public Credentials {
    if (username == null || username.isEmpty() || password == null) {
      throw new IllegalArgumentException("credentials need a user name and a password");
    }
    if (username.equals(IDENTITY_TOKEN_USER) && password.isEmpty()) {
      throw new IllegalArgumentException("an identity token must not be empty");
    }
  }

  public static Credentials identityToken(String token) {
    return new Credentials(IDENTITY_TOKEN_USER, token);
  }

  /** Whether the secret is an identity token, which only a Bearer token server accepts. */
  public boolean isIdentityToken() {
    return username.equals(IDENTITY_TOKEN_USER);
  }

  @Override
  public String toString() {
    return isIdentityToken()
        ? "Credentials[identity token ****]"
        : "Credentials[username=" + username + ", password=****]";
  }
}
