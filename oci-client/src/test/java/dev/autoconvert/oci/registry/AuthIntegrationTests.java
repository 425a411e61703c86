package dev.autoconvert.oci.registry;

import static dev.autoconvert.oci.registry.RegistryClientIntegrationTests.pushImage;
import static dev.autoconvert.oci.registry.RegistryClientIntegrationTests.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoconvert.oci.ErrorKind;
import dev.autoconvert.oci.ImageReference;
import dev.autoconvert.oci.RegistryException;
import dev.autoconvert.oci.manifest.RawManifest;
import dev.autoconvert.testsupport.registry.LocalRegistry;
import dev.autoconvert.testsupport.registry.TokenServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Basic (htpasswd) and token authentication against real registries. */
class AuthIntegrationTests {
  private static final String USER = "worker";
  private static final String PASSWORD = "s3cret-Pa55";

  private static RegistryClient client(LocalRegistry registry, String user, String password) {
    RegistryConfig config = RegistryConfig.plainHttp(registry.host());
    return RegistryClient.builder()
        .registry(user == null ? config : config.withCredentials(user, password))
        .retryPolicy(RetryPolicy.NONE)
        .build();
  }

  private static void assertUnauthorizedWithoutSecret(ThrowingAction action) {
    assertUnauthorized(action, "", PASSWORD);
  }

  /** {@code action} fails as unauthorized, saying {@code reason} and not {@code secret}. */
  private static void assertUnauthorized(ThrowingAction action, String reason, String secret) {
    assertThatThrownBy(action::run)
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.UNAUTHORIZED);
              assertThat(e.getMessage()).contains(reason).doesNotContain(secret);
            });
  }

  @FunctionalInterface
  interface ThrowingAction {
    void run() throws Exception;
  }

  @Nested
  class Basic {
    @Test
    void credentialsArePresentedAfterTheChallenge() throws IOException {
      try (LocalRegistry registry = LocalRegistry.builder().basicAuth(USER, PASSWORD).start()) {
        ImageReference ref = ImageReference.parse(registry.host() + "/basic/app:v1");
        RegistryClient client = client(registry, USER, PASSWORD);

        RawManifest pushed = pushImage(client, ref, randomBytes(1000));

        assertThat(client.pullManifest(ref)).isEqualTo(pushed);
        assertThat(client.listTags(ref)).containsExactly("v1");
      }
    }

    @Test
    void missingOrWrongCredentialsAreUnauthorized() throws IOException {
      try (LocalRegistry registry = LocalRegistry.builder().basicAuth(USER, PASSWORD).start()) {
        ImageReference ref = ImageReference.parse(registry.host() + "/basic/app:v1");
        assertUnauthorizedWithoutSecret(() -> client(registry, null, null).pullManifest(ref));
        assertUnauthorizedWithoutSecret(
            () -> client(registry, USER, "wrong-" + PASSWORD).pullManifest(ref));
      }
    }
  }

  /** Credentials from a Docker config file or its credential helper, as the Docker CLI has them. */
  @Nested
  class FromDockerConfig {
    @TempDir Path dir;

    private RegistryClient client(LocalRegistry registry, DockerConfig store) {
      return RegistryClient.builder()
          .registry(RegistryConfig.plainHttp(registry.host()))
          .credentialStore(store)
          .retryPolicy(RetryPolicy.NONE)
          .build();
    }

    /** A client whose Docker config names {@code helper} for {@code registry}. */
    private RegistryClient clientWithHelper(LocalRegistry registry, Path helper)
        throws IOException {
      String name = helper.getFileName().toString().substring("docker-credential-".length());
      return client(
          registry,
          DockerConfig.load(
              config("{\"credHelpers\":{\"" + registry.host() + "\":\"" + name + "\"}}"),
              List.of(helper.getParent()),
              Duration.ofSeconds(30),
              Clock.systemUTC()));
    }

    private Path config(String json) throws IOException {
      return Files.writeString(dir.resolve("config.json"), json);
    }

    /**
     * {@code docker-credential-<name>} answering {@link #USER} and {@code secret}, a shell word
     * inside single quotes (so {@code '$(cat FILE)'} reads a file at each run).
     */
    private Path helper(String name, String secret) throws IOException {
      return helper(name, USER, secret);
    }

    private Path helper(String name, String user, String secret) throws IOException {
      Path helper =
          Files.createDirectories(dir.resolve("bin")).resolve("docker-credential-" + name);
      Files.writeString(
          helper,
          "#!/bin/sh\ncat > /dev/null\necho '{\"Username\":\""
              + user
              + "\",\"Secret\":\""
              + secret
              + "\"}'\n");
      Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
      return helper;
    }

    /** A client whose Docker config holds {@code token} as the registry's identity token. */
    private RegistryClient clientWithIdentityToken(LocalRegistry registry, String token)
        throws IOException {
      return client(
          registry,
          DockerConfig.load(
              config(
                  "{\"auths\":{\""
                      + registry.host()
                      + "\":{\"identitytoken\":\""
                      + token
                      + "\"}}}")));
    }

    private static String auths(String host, String user, String password) {
      String pair = user + ":" + password;
      return "{\"auths\":{\""
          + host
          + "\":{\"auth\":\""
          + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8))
          + "\"}}}";
    }

    @Test
    void basicAuthUsesTheFilesEntryForTheRegistry() throws IOException {
      try (LocalRegistry registry = LocalRegistry.builder().basicAuth(USER, PASSWORD).start()) {
        ImageReference ref = ImageReference.parse(registry.host() + "/docker-config/app:v1");
        RegistryClient client =
            client(registry, DockerConfig.load(config(auths(registry.host(), USER, PASSWORD))));

        RawManifest pushed = pushImage(client, ref, randomBytes(1000));

        assertThat(client.pullManifest(ref)).isEqualTo(pushed);
      }
    }

    @Test
    void tokenAuthSendsTheHelpersAnswerToTheTokenServer() throws IOException {
      Path helper = helper("test", PASSWORD);
      try (LocalRegistry registry = LocalRegistry.builder().tokenAuth(USER, PASSWORD).start()) {
        ImageReference ref = ImageReference.parse(registry.host() + "/docker-config/app:v1");
        RegistryClient client = clientWithHelper(registry, helper);

        RawManifest pushed = pushImage(client, ref, randomBytes(1000));

        assertThat(client.pullManifest(ref)).isEqualTo(pushed);
        assertThat(registry.tokenServer().refusedRequests()).isZero();
      }
    }

    @Test
    void aHelperAnswerTheRegistryRefusesIsAskedForAgain() throws IOException {
      Path secret = Files.writeString(dir.resolve("secret"), "stale-" + PASSWORD);
      Path helper = helper("vault", "'$(cat '" + secret + "')'");
      try (LocalRegistry registry = LocalRegistry.builder().basicAuth(USER, PASSWORD).start()) {
        ImageReference ref = ImageReference.parse(registry.host() + "/docker-config/app:v1");
        RegistryClient client = clientWithHelper(registry, helper);
        assertUnauthorizedWithoutSecret(() -> client.listTags(ref));

        Files.writeString(secret, PASSWORD); // rotated, while the stale answer is still kept
        RawManifest pushed = pushImage(client, ref, randomBytes(1000));

        assertThat(client.pullManifest(ref)).isEqualTo(pushed);
      }
    }

    @Test
    void aStaleKeptAnswerIsReplacedWithinTheRequestThatMetTheChallenge() throws IOException {
      // The helper answers a stale secret on its first run and the current one afterwards.
      Path runs = dir.resolve("runs");
      Path helper =
          helper(
              "rotating",
              "'$(echo run >> '"
                  + runs
                  + "'; [ $(wc -l < '"
                  + runs
                  + "') -gt 1 ] && echo "
                  + PASSWORD
                  + " || echo stale)'");
      try (LocalRegistry registry = LocalRegistry.builder().basicAuth(USER, PASSWORD).start()) {
        ImageReference ref = ImageReference.parse(registry.host() + "/docker-config/app:v1");
        RegistryClient client = clientWithHelper(registry, helper);

        RawManifest pushed = pushImage(client, ref, randomBytes(1000));

        assertThat(client.pullManifest(ref)).isEqualTo(pushed);
        assertThat(Files.readAllLines(runs)).as("stale answer, then the current one").hasSize(2);
      }
    }

    @Test
    void anIdentityTokenIsExchangedForAccessTokensThroughTheOAuth2Form() throws IOException {
      try (LocalRegistry registry = LocalRegistry.builder().tokenAuth(USER, PASSWORD).start()) {
        TokenServer tokens = registry.tokenServer();
        ImageReference ref = ImageReference.parse(registry.host() + "/identity/app:v1");
        RegistryClient client = clientWithIdentityToken(registry, tokens.identityToken());

        RawManifest pushed = pushImage(client, ref, randomBytes(1000));

        assertThat(client.pullManifest(ref)).isEqualTo(pushed);
        assertThat(tokens.refreshGrants()).isEqualTo(tokens.issuedTokens()).isPositive();
        assertThat(tokens.requestedScopes()).contains("repository:identity/app:pull,push");
        assertThat(tokens.refusedRequests()).isZero();
      }
    }

    @Test
    void aRefusedIdentityTokenIsUnauthorizedAndARotatedOneIsAskedFor() throws IOException {
      Path secret = Files.writeString(dir.resolve("identity"), "identity-revoked");
      Path helper = helper("oauth", Credentials.IDENTITY_TOKEN_USER, "'$(cat '" + secret + "')'");
      try (LocalRegistry registry = LocalRegistry.builder().tokenAuth(USER, PASSWORD).start()) {
        ImageReference ref = ImageReference.parse(registry.host() + "/identity/app:v1");
        RegistryClient client = clientWithHelper(registry, helper);
        assertUnauthorized(() -> client.listTags(ref), "invalid_grant", "identity-revoked");

        Files.writeString(secret, registry.tokenServer().identityToken());
        RawManifest pushed = pushImage(client, ref, randomBytes(1000));

        assertThat(client.pullManifest(ref)).isEqualTo(pushed);
      }
    }

    @Test
    void anIdentityTokenForABasicAuthRegistryFailsWithTheReason() throws IOException {
      try (LocalRegistry registry = LocalRegistry.builder().basicAuth(USER, PASSWORD).start()) {
        ImageReference ref = ImageReference.parse(registry.host() + "/identity/app:v1");
        RegistryClient client = clientWithIdentityToken(registry, "identity-for-basic");

        assertUnauthorized(
            () -> client.pullManifest(ref),
            "only a token server (Bearer) accepts",
            "identity-for-basic");
      }
    }

    @Test
    void configuredCredentialsWinOverTheFile() throws IOException {
      try (LocalRegistry registry = LocalRegistry.builder().basicAuth(USER, PASSWORD).start()) {
        ImageReference ref = ImageReference.parse(registry.host() + "/docker-config/app:v1");
        DockerConfig wrong =
            DockerConfig.load(config(auths(registry.host(), USER, "wrong-" + PASSWORD)));
        assertUnauthorizedWithoutSecret(() -> client(registry, wrong).pullManifest(ref));

        RegistryClient client =
            RegistryClient.builder()
                .registry(RegistryConfig.plainHttp(registry.host()).withCredentials(USER, PASSWORD))
                .credentialStore(wrong)
                .retryPolicy(RetryPolicy.NONE)
                .build();
        RawManifest pushed = pushImage(client, ref, randomBytes(1000));
        assertThat(client.pullManifest(ref)).isEqualTo(pushed);
      }
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Token {
    private LocalRegistry registry;

    @BeforeAll
    void startRegistry() throws IOException {
      registry = LocalRegistry.builder().tokenAuth(USER, PASSWORD).start();
    }

    @AfterAll
    void stopRegistry() throws IOException {
      if (registry != null) {
        registry.close();
      }
    }

    @Test
    void tokensAreFetchedPerScopeAndReused() throws IOException {
      TokenServer tokens = registry.tokenServer();
      ImageReference ref = ImageReference.parse(registry.host() + "/token/app:v1");
      RegistryClient client = client(registry, USER, PASSWORD);

      int before = tokens.issuedTokens();
      RawManifest pushed = pushImage(client, ref, randomBytes(1000), randomBytes(2000));
      int afterPush = tokens.issuedTokens() - before;
      assertThat(client.pullManifest(ref)).isEqualTo(pushed);
      assertThat(client.pullManifest(ref)).isEqualTo(pushed);

      assertThat(tokens.requestedScopes())
          .contains("repository:token/app:pull,push", "repository:token/app:pull");
      // one token for the pull scope (existence checks), one for pull,push: none per request
      assertThat(afterPush).isEqualTo(2);
      assertThat(tokens.issuedTokens() - before).isEqualTo(2);
    }

    @Test
    void mountAsksForPullOnTheSourceRepository() throws IOException {
      RegistryClient client = client(registry, USER, PASSWORD);
      BlobSource blob = BlobSource.ofBytes(randomBytes(3000));
      client.pushBlob(ImageReference.parse(registry.host() + "/mount/from:v1"), blob);

      BlobPushOutcome outcome =
          client.pushBlob(
              ImageReference.parse(registry.host() + "/mount/into:v1"), blob, "mount/from");

      assertThat(outcome).isEqualTo(BlobPushOutcome.MOUNTED);
      assertThat(registry.tokenServer().requestedScopes())
          .containsSubsequence("repository:mount/from:pull", "repository:mount/into:pull,push");
    }

    @Test
    void expiredTokenIsReplacedBeforeUse() throws IOException {
      TokenServer tokens = registry.tokenServer();
      tokens.expiresIn(120);
      MutableClock clock = new MutableClock(Instant.now());
      RegistryClient client =
          RegistryClient.builder()
              .registry(RegistryConfig.plainHttp(registry.host()).withCredentials(USER, PASSWORD))
              .clock(clock)
              .build();
      ImageReference ref = ImageReference.parse(registry.host() + "/expiry/app:v1");
      pushImage(client, ref, randomBytes(100));
      int before = tokens.issuedTokens();

      clock.advance(Duration.ofSeconds(100));
      client.checkManifest(ref.withTag("v1"));
      client.pushBlob(ref, BlobSource.ofBytes(randomBytes(10)));
      assertThat(tokens.issuedTokens()).as("both tokens valid for 20 s more").isEqualTo(before);

      clock.advance(Duration.ofSeconds(15));
      client.pushBlob(ref, BlobSource.ofBytes(randomBytes(10)));
      assertThat(tokens.issuedTokens())
          .as("pull and push tokens within the refresh margin")
          .isEqualTo(before + 2);
    }

    @Test
    void tokenRefusedAfterKeyRotationIsFetchedAgain() throws IOException {
      TokenServer tokens = registry.tokenServer();
      ImageReference ref = ImageReference.parse(registry.host() + "/rotate/app:v1");
      RegistryClient client = client(registry, USER, PASSWORD);
      RawManifest pushed = pushImage(client, ref, randomBytes(100));
      client.pullManifest(ref);
      int before = tokens.issuedTokens();

      tokens.rotateKey();
      registry.restart();

      assertThat(client.pullManifest(ref)).isEqualTo(pushed);
      assertThat(tokens.issuedTokens()).isEqualTo(before + 1);
      assertThat(registry.requests())
          .anyMatch(r -> r.startsWith("GET /v2/rotate/app/manifests/v1 401"));
    }

    @Test
    void wrongCredentialsAreUnauthorizedAtTheTokenServer() throws IOException {
      ImageReference ref = ImageReference.parse(registry.host() + "/token/app:v1");
      int refusedBefore = registry.tokenServer().refusedRequests();
      assertUnauthorizedWithoutSecret(
          () -> client(registry, USER, "wrong-" + PASSWORD).pullManifest(ref));
      assertThat(registry.tokenServer().refusedRequests()).isEqualTo(refusedBefore + 1);
    }
  }

  /** A clock a test moves forward. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
