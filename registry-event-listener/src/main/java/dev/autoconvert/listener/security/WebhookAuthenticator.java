package dev.autoconvert.listener.security;

import dev.autoconvert.bearer.BearerTokens;
import dev.autoconvert.listener.ListenerProperties;
import java.util.HashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Checks {@code Authorization: Bearer <token>} against the webhook tokens of the registry that sent
 * it: the global ones, or a registry's own. Each setting may hold several tokens separated by
 * commas, so that a token can be rotated without refusing a delivery meanwhile.
 */
@Component
public class WebhookAuthenticator {
  private final BearerTokens defaultTokens;
  private final Map<String, BearerTokens> registryTokens = new HashMap<>();

  WebhookAuthenticator(ListenerProperties properties) {
    this.defaultTokens =
        BearerTokens.parse(properties.webhookToken(), "AUTOCONVERT_LISTENER_WEBHOOK_TOKEN");
    properties
        .registries()
        .forEach(
            (id, registry) -> {
              String tokens = registry.webhookToken();
              registryTokens.put(
                  id,
                  tokens == null || tokens.isBlank()
                      ? defaultTokens
                      : BearerTokens.parse(tokens, "the webhook token of registry '" + id + "'"));
            });
  }

  /**
   * Whether the header carries a token of this registry.
   *
   * @param registryId a configured registry id, or null for the default registry
   * @param authorization the Authorization header as sent, possibly null
   */
  public boolean authenticates(String registryId, String authorization) {
    BearerTokens expected = registryId == null ? defaultTokens : registryTokens.get(registryId);
    return expected != null && expected.acceptsHeader(authorization);
  }
}
