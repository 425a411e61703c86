package dev.autoconvert.oci.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET <realm>?service=…&scope=…} of the Docker token protocol, with Basic credentials when
 * configured. The answer's {@code token} (or {@code access_token}) is a bearer token valid for
 * {@code expires_in} seconds (60 when absent or shorter, as the protocol specifies).
 */
final class TokenFetcher implements RegistryOperation<TokenFetcher.Token> {
  static final Duration MINIMUM_LIFETIME = Duration.ofSeconds(60);
  private static final int TOKEN_RESPONSE_LIMIT = 1024 * 1024;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** A bearer token and when it stops being valid; toString never prints the token. */
  record Token(String value, Instant expiresAt) {
    @Override
    public String toString() {
      return "Token[expiresAt=" + expiresAt + "]";
    }
  }

  private final URI realm;
  private final String service;
  private final List<String> scopes;
  private final Credentials credentials;
  private final Instant now;

  TokenFetcher(
      URI realm, String service, List<String> scopes, Credentials credentials, Instant now) {
    this.realm = realm;
    this.service = service;
    this.scopes = List.copyOf(scopes);
    this.credentials = credentials;
    this.now = now;
  }

  @Override
  public String action() {
    return "get token for " + String.join(" ", scopes) + " from " + realm;
  }

  @Override
  public List<String> scopes() {
    return List.of();
  }

  @Override
  public HttpRequest.Builder request(URI base) {
    URI uri = realm;
    if (service != null) {
      uri = Http.withQuery(uri, "service", service);
    }
    for (String scope : scopes) {
      uri = Http.withQuery(uri, "scope", scope);
    }
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).GET();
    if (credentials != null) {
      builder.header("Authorization", basic(credentials));
    }
    return builder;
  }

  static String basic(Credentials credentials) {
    String pair = credentials.username() + ":" + credentials.password();
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public Token handle(HttpResponse<InputStream> response) throws IOException {
    byte[] body = Http.readBody(response, TOKEN_RESPONSE_LIMIT, "token response");
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (JacksonException e) {
      throw new IOException(action() + ": token response is not JSON", e);
    }
    JsonNode token = json.has("token") ? json.get("token") : json.get("access_token");
    if (token == null || !token.isString() || token.asString().isEmpty()) {
      throw new IOException(action() + ": token response has no token");
    }
    Duration lifetime = Duration.ofSeconds(json.path("expires_in").asLong(0));
    if (lifetime.compareTo(MINIMUM_LIFETIME) < 0) {
      lifetime = MINIMUM_LIFETIME;
    }
    return new Token(token.asString(), now.plus(lifetime));
  }
}
