package dev.autoconvert.listener.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoconvert.listener.ListenerProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

class WebhookAuthenticatorTests {
  private static final String TOKEN = "s3cret-webhook-token";

  private final WebhookAuthenticator authenticator =
      new WebhookAuthenticator(
          new ListenerProperties(
              TOKEN,
              null,
              "127.0.0.1:5000",
              Map.of(
                  "harbor",
                  new ListenerProperties.Registry("harbor.example.com", "harbor-own-token", null),
                  "rotating",
                  new ListenerProperties.Registry(
                      "rotating.example.com", "old-token,new-token", null),
                  "mirror",
                  new ListenerProperties.Registry("mirror.example.com", "", null)),
              DataSize.ofMegabytes(1),
              Duration.ofMillis(600),
              "registry.push-events",
              12));

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

  @Test
  void tokensInFilesRotateWithoutARestart(@TempDir Path dir) throws IOException {
    Path global = Files.writeString(dir.resolve("global"), "first\n");
    Path own = Files.writeString(dir.resolve("own"), "own-first\n");
    WebhookAuthenticator fromFiles =
        new WebhookAuthenticator(
            new ListenerProperties(
                null,
                global,
                "127.0.0.1:5000",
                Map.of("harbor", new ListenerProperties.Registry("harbor.example.com", null, own)),
                DataSize.ofMegabytes(1),
                Duration.ofMillis(600),
                "registry.push-events",
                12));
    assertThat(fromFiles.authenticates(null, "Bearer first")).isTrue();

    Files.writeString(global, "second\n");
    Files.setLastModifiedTime(global, FileTime.fromMillis(System.currentTimeMillis() + 2000));
    Files.writeString(own, "own-second\n");
    Files.setLastModifiedTime(own, FileTime.fromMillis(System.currentTimeMillis() + 2000));

    assertThat(fromFiles.authenticates(null, "Bearer first")).isFalse();
    assertThat(fromFiles.authenticates(null, "Bearer second")).isTrue();
    assertThat(fromFiles.authenticates("harbor", "Bearer own-first")).isFalse();
    assertThat(fromFiles.authenticates("harbor", "Bearer own-second")).isTrue();
  }

  @Test
  void aTokenAndATokenFileForOneRegistryAreRefusedNamingBoth(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("own"), "own\n");

    assertThatThrownBy(
            () ->
                new ListenerProperties(
                    TOKEN,
                    null,
                    "127.0.0.1:5000",
                    Map.of("harbor", new ListenerProperties.Registry("h.example.com", "t", file)),
                    DataSize.ofMegabytes(1),
                    Duration.ofMillis(600),
                    "registry.push-events",
                    12))
        .hasMessage(
            "set AUTOCONVERT_LISTENER_REGISTRIES_HARBOR_WEBHOOK_TOKEN or"
                + " AUTOCONVERT_LISTENER_REGISTRIES_HARBOR_WEBHOOK_TOKEN_FILE, not both");
  }
}
