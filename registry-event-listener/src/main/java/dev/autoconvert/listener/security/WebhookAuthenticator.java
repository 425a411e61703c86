package dev.autoconvert.listener.security;

import dev.autoconvert.bearer.TokenSource;
import dev.autoconvert.listener.ListenerProperties;
import java.util.HashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Checks {@code Authorization: Bearer <token>} against the webhook tokens of the registry that sent
 * it: the global ones, or a registry's own. Each setting may hold several tokens separated by
 * commas, so that a token can be rotated without refusing a delivery meanwhile; tokens in files are
 * read again when the files change.
 */
@Component
public class WebhookAuthenticator {
  private final TokenSource defaultTokens;
  private final Map<String, TokenSource> registryTokens = new HashMap<>();

  WebhookAuthenticator(ListenerProperties properties) {
    this.defaultTokens = properties.webhookTokens();
    properties
        .registries()
        .forEach(
            (id, registry) -> {
              TokenSource own = registry.ownTokens(id);
              registryTokens.put(id, own != null ? own : defaultTokens);
            });
  }

  /**
   * Whether the header carries a token of this registry.
   *
   * @param registryId a configured registry id, or null for the default registry
   * @param authorization the Authorization header as sent, possibly null
   */
  public boolean authenticates(String registryId, String authorization) {
    TokenSource expected = registryId == null ? defaultTokens : registryTokens.get(registryId);
    return expected != null && expected.current().acceptsHeader(authorization);
  }
}
