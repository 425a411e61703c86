package dev.autoconvert.oci;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest as the OCI image spec writes it: {@code sha256:<64 lowercase hex digits>}. Only
 * sha256 is accepted: it is the one algorithm registries and Nydus tooling require.
 */
public record Digest(String algorithm, String hex) {
  public static final String SHA256 = "sha256";
  private static final Pattern SHA256_HEX = Pattern.compile("[a-f0-9]{64}");

  public Digest {
    if (!SHA256.equals(algorithm)) {
      throw new IllegalArgumentException(
          "unsupported digest algorithm '" + algorithm + "' (only sha256 is supported)");
    }
    if (hex == null || !SHA256_HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException(
          "invalid sha256 digest hex '" + hex + "': expected 64 lowercase hex digits");
    }
  }

  /** Parses {@code sha256:<hex>}; the message of the exception names the bad input. */
  public static Digest parse(String value) {
    if (value == null) {
      throw new IllegalArgumentException("digest is null");
    }
    int colon = value.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "invalid digest '" + value + "': expected <algorithm>:<hex>");
    }
    try {
      return new Digest(value.substring(0, colon), value.substring(colon + 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid digest '" + value + "': " + e.getMessage(), e);
    }
  }

  public static Digest of(byte[] content) {
    return fromSha256(newSha256().digest(content));
  }

  /** Digests everything the stream yields (and does not close it). */
  public static Digest of(InputStream in) throws IOException {
    MessageDigest sha = newSha256();
    byte[] buffer = new byte[64 * 1024];
    for (int n; (n = in.read(buffer)) >= 0; ) {
      sha.update(buffer, 0, n);
    }
    return fromSha256(sha.digest());
  }

  /** Wraps a finished sha256 {@link MessageDigest} result. */
  public static Digest fromSha256(byte[] sha256) {
    return new Digest(SHA256, HexFormat.of().formatHex(sha256));
  }

  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The hex part with the algorithm prefix, e.g. {@code sha256:e3b0…}. */
  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }
}
