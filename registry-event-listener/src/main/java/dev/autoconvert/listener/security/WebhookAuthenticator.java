package dev.autoconvert.listener.security;

import dev.autoconvert.listener.ListenerProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Checks {@code Authorization: Bearer <token>} against the configured webhook token. Only SHA-256
 * hashes are kept and compared, with {@link MessageDigest#isEqual} (constant time for equal
 * lengths, and hashes always have equal length), so neither timing nor length gives the token away.
 */
@Component
public class WebhookAuthenticator {
  private static final String BEARER = "bearer ";

  private final byte[] defaultTokenHash;
  private final Map<String, byte[]> registryTokenHashes = new HashMap<>();

  WebhookAuthenticator(ListenerProperties properties) {
    this.defaultTokenHash = sha256(properties.webhookToken());
    properties
        .registries()
        .forEach(
            (id, registry) -> {
              String token = registry.webhookToken();
              registryTokenHashes.put(
                  id, token == null || token.isBlank() ? defaultTokenHash : sha256(token));
            });
  }

  /**
   * Whether the header carries the token for this registry.
   *
   * @param registryId a configured registry id, or null for the default registry
   * @param authorization the Authorization header as sent, possibly null
   */
  public boolean authenticates(String registryId, String authorization) {
    byte[] expected = registryId == null ? defaultTokenHash : registryTokenHashes.get(registryId);
    if (expected == null || authorization == null || authorization.length() <= BEARER.length()) {
      return false;
    }
    if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return false;
    }
    String presented = authorization.substring(BEARER.length()).trim();
    return MessageDigest.isEqual(sha256(presented), expected);
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
