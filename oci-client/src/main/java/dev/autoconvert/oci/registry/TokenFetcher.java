package dev.autoconvert.oci.registry;

import dev.autoconvert.oci.ErrorKind;
import dev.autoconvert.oci.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET <realm>?service=…&scope=…} of the Docker token protocol, with Basic credentials when
 * configured; with an identity token, the protocol's OAuth2 form instead: {@code POST <realm>} with
 * {@code grant_type=refresh_token} (distribution's {@code docs/spec/auth/oauth.md}). The answer's
 * {@code token} (or {@code access_token}) is a bearer token valid for {@code expires_in} seconds
 * (60 when absent or shorter, as the protocol specifies).
 */
final class TokenFetcher implements RegistryOperation<TokenFetcher.Token> {
  static final Duration MINIMUM_LIFETIME = Duration.ofSeconds(60);
  private static final int TOKEN_RESPONSE_LIMIT = 1024 * 1024;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** How the OAuth2 form names this client; token servers require one and may log it. */
  private static final String CLIENT_ID = "nydus-autoconvert";

  /** OAuth2 errors (RFC 6749 §5.2) that mean the identity token itself was refused. */
  private static final Set<String> REFUSED_GRANT =
      Set.of("invalid_grant", "invalid_client", "unauthorized_client");

  private static final int ERROR_DESCRIPTION_MAX = 200;

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
    if (credentials != null && credentials.isIdentityToken()) {
      return refreshGrant();
    }
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

  private HttpRequest.Builder refreshGrant() {
    StringJoiner form = new StringJoiner("&");
    form.add(field("grant_type", "refresh_token"));
    if (service != null) {
      form.add(field("service", service));
    }
    if (!scopes.isEmpty()) {
      form.add(field("scope", String.join(" ", scopes))); // once, space-separated (oauth.md)
    }
    form.add(field("client_id", CLIENT_ID));
    form.add(field("refresh_token", credentials.password()));
    return HttpRequest.newBuilder(realm)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form.toString()));
  }

  private static String field(String name, String value) {
    return name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  static String basic(Credentials credentials) {
    String pair = credentials.username() + ":" + credentials.password();
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  /** 400 too: an OAuth2 error answer says whether the identity token was refused. */
  @Override
  public boolean accepts(int status) {
    return status == 400 || RegistryOperation.super.accepts(status);
  }

  @Override
  public Token handle(HttpResponse<InputStream> response) throws IOException {
    byte[] body = Http.readBody(response, TOKEN_RESPONSE_LIMIT, "token response");
    if (response.statusCode() == 400) {
      throw refused(body);
    }
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

  private RegistryException refused(byte[] body) {
    String error = "";
    String description = "";
    try {
      JsonNode json = JSON.readTree(body);
      error = json.path("error").asString("");
      description = json.path("error_description").asString("");
    } catch (JacksonException notJson) {
      // no OAuth2 error: reported as the answer's text
    }
    if (error.isEmpty()) {
      return ErrorResponses.toException(action(), 400, body);
    }
    if (description.length() > ERROR_DESCRIPTION_MAX) {
      description = description.substring(0, ERROR_DESCRIPTION_MAX) + "…";
    }
    return new RegistryException(
        REFUSED_GRANT.contains(error) ? ErrorKind.UNAUTHORIZED : ErrorKind.REJECTED,
        action(),
        400,
        error + (description.isEmpty() ? "" : ": " + description),
        null);
  }
}
