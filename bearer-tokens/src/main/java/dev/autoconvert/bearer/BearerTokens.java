package dev.autoconvert.bearer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The tokens one role accepts in {@code Authorization: Bearer <token>}. Configured as one value,
 * with several tokens separated by commas while one is rotated: add the new token, move the clients
 * over, remove the old one; no request is refused meanwhile.
 *
 * <p>Only SHA-256 hashes are kept, and a presented token is compared with every one of them by
 * {@link MessageDigest#isEqual} (constant time for equal lengths, and hashes always have equal
 * length), so neither timing nor length tells anything about the tokens. Never printed.
 */
public final class BearerTokens {
  private static final String SCHEME = "bearer ";

  private final List<byte[]> hashes;

  private BearerTokens(List<byte[]> hashes) {
    this.hashes = hashes;
  }

  /**
   * Parses a configured value: one token, or several separated by commas (blanks around them are
   * ignored).
   *
   * @param setting how messages name the setting, e.g. {@code AUTOCONVERT_RULES_ADMIN_TOKEN}
   * @throws IllegalArgumentException naming the setting (never its value) when it holds no token
   */
  public static BearerTokens parse(String configured, String setting) {
    List<byte[]> hashes = new ArrayList<>();
    for (String token : configured == null ? new String[0] : configured.split(",")) {
      if (!token.isBlank()) {
        hashes.add(sha256(token.strip()));
      }
    }
    if (hashes.isEmpty()) {
      throw new IllegalArgumentException(setting + " holds no token");
    }
    return new BearerTokens(List.copyOf(hashes));
  }

  /** The token an {@code Authorization} header presents, if it is a Bearer header with one. */
  public static Optional<String> presented(String authorization) {
    if (authorization == null
        || authorization.length() <= SCHEME.length()
        || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return Optional.empty();
    }
    String token = authorization.substring(SCHEME.length()).strip();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }

  /** Whether {@code token} is one of these; every hash is compared, whichever matches. */
  public boolean accepts(String token) {
    byte[] presented = sha256(token);
    boolean accepted = false;
    for (byte[] hash : hashes) {
      accepted |= MessageDigest.isEqual(presented, hash);
    }
    return accepted;
  }

  /** Whether an {@code Authorization} header presents one of these tokens. */
  public boolean acceptsHeader(String authorization) {
    return presented(authorization).map(this::accepts).orElse(false);
  }

  /** Whether a token is in both sets (two roles must never share one). */
  public boolean sharesAnyWith(BearerTokens other) {
    for (byte[] hash : hashes) {
      for (byte[] theirs : other.hashes) {
        if (MessageDigest.isEqual(hash, theirs)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * A short name for a token that tells tokens apart in logs and audit records without revealing
   * them: {@code sha256:} and the first 12 hex digits of its SHA-256.
   */
  public static String fingerprint(String token) {
    return "sha256:" + HexFormat.of().formatHex(sha256(token), 0, 6);
  }

  /** How many tokens are accepted. */
  public int size() {
    return hashes.size();
  }

  @Override
  public String toString() {
    return "BearerTokens[" + hashes.size() + (hashes.size() == 1 ? " token]" : " tokens]");
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }
}
