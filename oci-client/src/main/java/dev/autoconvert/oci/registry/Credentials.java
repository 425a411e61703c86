package dev.autoconvert.oci.registry;

/** A user name and password (or identity token) for one registry. Never printed. */
public record Credentials(String username, String password) {
  public Credentials {
    if (username == null || username.isEmpty() || password == null) {
      throw new IllegalArgumentException("credentials need a user name and a password");
    }
  }

  @Override
  public String toString() {
    return "Credentials[username=" + username + ", password=****]";
  }
}
