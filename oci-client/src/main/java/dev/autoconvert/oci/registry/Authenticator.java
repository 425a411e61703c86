package dev.autoconvert.oci.registry;

import dev.autoconvert.oci.ErrorKind;
import dev.autoconvert.oci.RegistryException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Authorization for one registry. Starts anonymous; the first 401 tells which scheme the registry
 * wants. Basic sends the credentials from then on; Bearer fetches a token per set of scopes from
 * the challenge's realm (exchanging an identity token, or with the credentials as Basic), caches it
 * until shortly before it expires, and drops it when the registry refuses it.
 */
final class Authenticator {
  /** Refresh a token this long before it expires, so that it does not expire in flight. */
  private static final Duration REFRESH_MARGIN = Duration.ofSeconds(10);

  /** Fetches tokens through the client's retrying transport. */
  @FunctionalInterface
  interface TokenClient {
    TokenFetcher.Token fetch(TokenFetcher fetcher, URI realm) throws RegistryException;
  }

  private final String registry;
  private final CredentialStore credentials;
  private final boolean plainHttpAllowed;
  private final Clock clock;
  private final ConcurrentMap<String, TokenFetcher.Token> tokens = new ConcurrentHashMap<>();
  private volatile AuthChallenge challenge;
  private volatile Credentials lastBasic; // what the latest Basic header carried

  /** {@code credentials} is asked for {@code registry}'s each time they are needed. */
  Authenticator(
      String registry, CredentialStore credentials, boolean plainHttpAllowed, Clock clock) {
    this.registry = registry;
    this.credentials = credentials;
    this.plainHttpAllowed = plainHttpAllowed;
    this.clock = clock;
  }

  /** The Authorization header value for a request needing {@code scopes}, if any. */
  Optional<String> authorization(List<String> scopes, TokenClient client) throws RegistryException {
    AuthChallenge current = challenge;
    if (current == null || scopes.isEmpty()) {
      return Optional.empty();
    }
    if (current.isBasic()) {
      Optional<Credentials> basic = credentials.lookup(registry);
      if (basic.isPresent() && basic.get().isIdentityToken()) {
        throw new RegistryException(
            ErrorKind.UNAUTHORIZED,
            "authenticate to " + registry,
            registry
                + " asks for Basic authentication, but its credentials are an identity token,"
                + " which only a token server (Bearer) accepts");
      }
      basic.ifPresent(c -> lastBasic = c);
      return basic.map(TokenFetcher::basic);
    }
    if (!current.isBearer()) {
      return Optional.empty();
    }
    String key = key(scopes);
    TokenFetcher.Token token = tokens.get(key);
    Instant now = clock.instant();
    if (token == null || !now.isBefore(token.expiresAt().minus(REFRESH_MARGIN))) {
      token = fetch(current, scopes, now, client);
      tokens.put(key, token);
    }
    return Optional.of("Bearer " + token.value());
  }

  private TokenFetcher.Token fetch(
      AuthChallenge bearer, List<String> scopes, Instant now, TokenClient client)
      throws RegistryException {
    String action = "get token for " + String.join(" ", scopes) + " on " + registry;
    String realm = bearer.param("realm");
    if (realm == null) {
      throw new RegistryException(
          ErrorKind.PROTOCOL, action, "the Bearer challenge of " + registry + " names no realm");
    }
    URI realmUri;
    try {
      realmUri = URI.create(realm);
    } catch (IllegalArgumentException e) {
      throw new RegistryException(ErrorKind.PROTOCOL, action, 0, "invalid realm " + realm, e);
    }
    boolean https = "https".equalsIgnoreCase(realmUri.getScheme());
    if (!https && !(plainHttpAllowed && "http".equalsIgnoreCase(realmUri.getScheme()))) {
      // Credentials go to the realm: never over plain HTTP unless the registry is configured so.
      throw new RegistryException(
          ErrorKind.PROTOCOL,
          action,
          "token realm "
              + realm
              + " is not HTTPS and "
              + registry
              + " is not a plain-HTTP registry");
    }
    TreeSet<String> all = new TreeSet<>(scopes);
    String challenged = bearer.param("scope");
    if (challenged != null && !challenged.isEmpty()) {
      all.addAll(List.of(challenged.split(" ")));
    }
    String service = bearer.param("service");
    List<String> wanted = List.copyOf(all);
    Credentials used = credentials.lookup(registry).orElse(null);
    try {
      return client.fetch(new TokenFetcher(realmUri, service, wanted, used, now), realmUri);
    } catch (RegistryException e) {
      Optional<Credentials> fresh =
          e.kind() == ErrorKind.UNAUTHORIZED ? rotated(used) : Optional.empty();
      if (fresh.isEmpty()) {
        throw e;
      }
      return client.fetch(new TokenFetcher(realmUri, service, wanted, fresh.get(), now), realmUri);
    }
  }

  /**
   * After {@code refused} was refused: other credentials the store has now (it may have rotated
   * ones it had kept an old answer for), or empty.
   */
  private Optional<Credentials> rotated(Credentials refused) throws RegistryException {
    if (refused == null) {
      return Optional.empty();
    }
    credentials.refused(registry, refused);
    return credentials.lookup(registry).filter(fresh -> !fresh.equals(refused));
  }

  /**
   * Records the challenge of a 401 answer. True when retrying with new authorization may help: the
   * scheme was unknown, the cached token was refused (it is dropped), or Basic credentials exist
   * that were not sent yet, or other than the refused ones.
   */
  boolean onUnauthorized(HttpHeaders headers, List<String> scopes) throws RegistryException {
    Optional<AuthChallenge> parsed =
        headers.allValues("WWW-Authenticate").stream()
            .map(AuthChallenge::parse)
            .flatMap(Optional::stream)
            .filter(c -> c.isBearer() || c.isBasic())
            .findFirst();
    if (parsed.isEmpty() || scopes.isEmpty()) {
      return false;
    }
    AuthChallenge previous = challenge;
    challenge = parsed.get();
    if (parsed.get().isBearer()) {
      TokenFetcher.Token refused = tokens.remove(key(scopes));
      return previous == null || !previous.isBearer() || refused != null;
    }
    if (previous == null || !previous.isBasic()) {
      return credentials.lookup(registry).isPresent();
    }
    return rotated(lastBasic).isPresent();
  }

  private static String key(List<String> scopes) {
    return String.join(" ", new TreeSet<>(scopes));
  }
}
