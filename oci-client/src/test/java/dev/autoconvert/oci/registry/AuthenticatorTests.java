package dev.autoconvert.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoconvert.oci.ErrorKind;
import dev.autoconvert.oci.RegistryException;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthenticatorTests {
  private static final Instant NOW = Instant.parse("2026-11-27T06:00:00Z");
  private static final List<String> PULL = List.of("repository:app:pull");
  private final List<String> fetchedScopes = new ArrayList<>();
  private final Authenticator.TokenClient tokens =
      (fetcher, realm) -> {
        fetchedScopes.add(fetcher.action());
        return new TokenFetcher.Token("token-" + fetchedScopes.size(), NOW.plusSeconds(300));
      };

  private static HttpHeaders challenge(String value) {
    return HttpHeaders.of(Map.of("WWW-Authenticate", List.of(value)), (k, v) -> true);
  }

  private static Authenticator authenticator(Credentials credentials, boolean plainHttp) {
    return new Authenticator(
        "registry.test",
        host -> Optional.ofNullable(credentials),
        plainHttp,
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @Test
  void anonymousUntilTheFirstChallenge() throws RegistryException {
    Authenticator auth = authenticator(new Credentials("u", "p"), false);
    assertThat(auth.authorization(PULL, tokens)).isEmpty();
    assertThat(auth.onUnauthorized(challenge("Basic realm=\"r\""), PULL)).isTrue();
    assertThat(auth.authorization(PULL, tokens)).contains("Basic dTpw");
    assertThat(auth.onUnauthorized(challenge("Basic realm=\"r\""), PULL))
        .as("the same credentials were refused: retrying cannot help")
        .isFalse();
  }

  @Test
  void basicChallengeWithoutCredentialsIsNotRetried() throws RegistryException {
    assertThat(authenticator(null, false).onUnauthorized(challenge("Basic realm=\"r\""), PULL))
        .isFalse();
  }

  @Test
  void bearerTokenIsCachedPerScopeAndDroppedWhenRefused() throws RegistryException {
    Authenticator auth = authenticator(null, false);
    auth.onUnauthorized(
        challenge("Bearer realm=\"https://auth.test/token\",service=\"registry.test\""), PULL);

    assertThat(auth.authorization(PULL, tokens)).contains("Bearer token-1");
    assertThat(auth.authorization(PULL, tokens)).contains("Bearer token-1");
    assertThat(auth.authorization(List.of("repository:app:pull,push"), tokens))
        .contains("Bearer token-2");

    assertThat(
            auth.onUnauthorized(
                challenge("Bearer realm=\"https://auth.test/token\",service=\"registry.test\""),
                PULL))
        .isTrue();
    assertThat(auth.authorization(PULL, tokens)).contains("Bearer token-3");
  }

  @Test
  void plainHttpRealmIsRefusedForAnHttpsRegistry() throws RegistryException {
    Authenticator auth = authenticator(new Credentials("u", "p"), false);
    auth.onUnauthorized(challenge("Bearer realm=\"http://auth.test/token\""), PULL);

    assertThatThrownBy(() -> auth.authorization(PULL, tokens))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.PROTOCOL);
              assertThat(e.getMessage()).contains("http://auth.test/token is not HTTPS");
            });
    assertThat(fetchedScopes).isEmpty();
  }

  /**
   * A store that keeps its answer until told it was refused, like a helper's kept answer; {@code
   * latest} is what it would look up afresh.
   */
  private static final class KeepingStore implements CredentialStore {
    volatile Credentials kept;
    volatile Credentials latest;
    final List<Credentials> refused = new ArrayList<>();

    KeepingStore(Credentials first) {
      this.kept = first;
      this.latest = first;
    }

    @Override
    public Optional<Credentials> lookup(String host) {
      return Optional.of(kept);
    }

    @Override
    public void refused(String host, Credentials credentials) {
      refused.add(credentials);
      kept = latest;
    }
  }

  private static Authenticator authenticator(CredentialStore store) {
    return new Authenticator("registry.test", store, false, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @Test
  void refusedBasicCredentialsAreReportedAndRotatedOnesTriedOnce() throws RegistryException {
    Credentials old = new Credentials("u", "old");
    KeepingStore store = new KeepingStore(old);
    Authenticator auth = authenticator(store);
    auth.onUnauthorized(challenge("Basic realm=\"r\""), PULL);
    assertThat(auth.authorization(PULL, tokens)).contains(TokenFetcher.basic(old));

    assertThat(auth.onUnauthorized(challenge("Basic realm=\"r\""), PULL))
        .as("the store has nothing else: retrying cannot help")
        .isFalse();
    assertThat(store.refused).containsExactly(old);

    Credentials rotated = new Credentials("u", "new");
    store.latest = rotated;
    assertThat(auth.onUnauthorized(challenge("Basic realm=\"r\""), PULL)).isTrue();
    assertThat(auth.authorization(PULL, tokens)).contains(TokenFetcher.basic(rotated));
  }

  @Test
  void aTokenServerRefusalTriesTheStoresRotatedCredentialsOnce() throws RegistryException {
    Credentials old = new Credentials("u", "old");
    Credentials rotated = new Credentials("u", "new");
    KeepingStore store = new KeepingStore(old);
    Authenticator auth = authenticator(store);
    auth.onUnauthorized(challenge("Bearer realm=\"https://auth.test/token\""), PULL);
    List<String> sent = new ArrayList<>();
    Authenticator.TokenClient server =
        (fetcher, realm) -> {
          String authorization =
              fetcher.request(realm).build().headers().firstValue("Authorization").orElse("");
          sent.add(authorization);
          if (!authorization.equals(TokenFetcher.basic(rotated))) {
            throw new RegistryException(ErrorKind.UNAUTHORIZED, "get token", "refused");
          }
          return new TokenFetcher.Token("token", NOW.plusSeconds(300));
        };

    assertThatThrownBy(() -> auth.authorization(PULL, server))
        .as("nothing else to try: the refusal stands")
        .isInstanceOf(RegistryException.class);
    assertThat(sent).containsExactly(TokenFetcher.basic(old));

    store.latest = rotated;
    sent.clear();
    assertThat(auth.authorization(PULL, server)).contains("Bearer token");
    assertThat(sent).containsExactly(TokenFetcher.basic(old), TokenFetcher.basic(rotated));
  }
}
