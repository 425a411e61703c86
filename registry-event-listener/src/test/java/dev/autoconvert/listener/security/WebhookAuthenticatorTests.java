package dev.autoconvert.listener.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.listener.ListenerProperties;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class WebhookAuthenticatorTests {
  private static final String TOKEN = "s3cret-webhook-token";

  private final WebhookAuthenticator authenticator =
      new WebhookAuthenticator(
          new ListenerProperties(
              TOKEN,
              "127.0.0.1:5000",
              Map.of(
                  "harbor",
                  new ListenerProperties.Registry("harbor.example.com", "harbor-own-token"),
                  "rotating",
                  new ListenerProperties.Registry("rotating.example.com", "old-token,new-token"),
                  "mirror",
                  new ListenerProperties.Registry("mirror.example.com", "")),
              DataSize.ofMegabytes(1),
              Duration.ofMillis(600),
              "registry.push-events"));

  @Test
  void acceptsTheBearerToken() {
    assertThat(authenticator.authenticates(null, "Bearer " + TOKEN)).isTrue();
    assertThat(authenticator.authenticates(null, "bearer " + TOKEN)).isTrue();
  }

  @Test
  void refusesMissingWrongOrNonBearerCredentials() {
    assertThat(authenticator.authenticates(null, null)).isFalse();
    assertThat(authenticator.authenticates(null, "")).isFalse();
    assertThat(authenticator.authenticates(null, "Bearer ")).isFalse();
    assertThat(authenticator.authenticates(null, "Bearer " + TOKEN + "x")).isFalse();
    assertThat(authenticator.authenticates(null, "Bearer " + TOKEN.substring(1))).isFalse();
    assertThat(authenticator.authenticates(null, TOKEN)).isFalse();
    assertThat(authenticator.authenticates(null, "Basic " + TOKEN)).isFalse();
  }

  @Test
  void registryWithItsOwnTokenRefusesTheGlobalOne() {
    assertThat(authenticator.authenticates("harbor", "Bearer harbor-own-token")).isTrue();
    assertThat(authenticator.authenticates("harbor", "Bearer " + TOKEN)).isFalse();
    assertThat(authenticator.authenticates(null, "Bearer harbor-own-token")).isFalse();
  }

  @Test
  void registryWithoutItsOwnTokenUsesTheGlobalOne() {
    assertThat(authenticator.authenticates("mirror", "Bearer " + TOKEN)).isTrue();
  }

  @Test
  void unknownRegistryIsNeverAuthenticated() {
    assertThat(authenticator.authenticates("nope", "Bearer " + TOKEN)).isFalse();
  }

  @Test
  void aRegistryRotatingItsTokenIsAcceptedWithTheOldAndTheNewOne() {
    assertThat(authenticator.authenticates("rotating", "Bearer old-token")).isTrue();
    assertThat(authenticator.authenticates("rotating", "Bearer new-token")).isTrue();
    assertThat(authenticator.authenticates("rotating", "Bearer old-token,new-token")).isFalse();
    assertThat(authenticator.authenticates("rotating", "Bearer " + TOKEN)).isFalse();
  }
}
