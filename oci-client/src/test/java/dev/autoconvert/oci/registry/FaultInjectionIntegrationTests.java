package dev.autoconvert.oci.registry;

import static dev.autoconvert.oci.registry.RegistryClientIntegrationTests.pushImage;
import static dev.autoconvert.oci.registry.RegistryClientIntegrationTests.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoconvert.oci.Digest;
import dev.autoconvert.oci.ErrorKind;
import dev.autoconvert.oci.ImageReference;
import dev.autoconvert.oci.RegistryException;
import dev.autoconvert.oci.manifest.RawManifest;
import dev.autoconvert.testsupport.registry.LocalRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retries, resumes and restarts, provoked by a fault-injecting proxy in front of a registry. */
class FaultInjectionIntegrationTests {
  private static final RetryPolicy POLICY =
      new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(5));

  private static LocalRegistry registry;
  private FaultyProxy proxy;
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private RegistryClient client;

  @BeforeAll
  static void startRegistry() throws IOException {
    registry = LocalRegistry.start();
  }

  @AfterAll
  static void stopRegistry() throws IOException {
    if (registry != null) {
      registry.close();
    }
  }

  @BeforeEach
  void startProxy() throws IOException {
    proxy = new FaultyProxy(registry.host());
    client = client(64 * 1024);
  }

  private RegistryClient client(long chunkSize) {
    return RegistryClient.builder()
        .registry(RegistryConfig.plainHttp(proxy.host()))
        .retryPolicy(POLICY)
        .chunkSize(chunkSize)
        .sleeper(sleeps::add)
        .build();
  }

  @AfterEach
  void stopProxy() {
    proxy.close();
  }

  private ImageReference ref(String repositoryAndTag) {
    return ImageReference.parse(proxy.host() + "/" + repositoryAndTag);
  }

  @Test
  void serverErrorsAreRetriedWithGrowingDelays() throws IOException {
    ImageReference ref = ref("retry/app:v1");
    RawManifest pushed = pushImage(client, ref, randomBytes(100));
    proxy.failNext("GET", "/v2/retry/app/manifests/", 2, 503, Map.of());

    assertThat(client.pullManifest(ref)).isEqualTo(pushed);

    assertThat(proxy.count("GET", "/v2/retry/app/manifests/v1")).isEqualTo(3);
    assertThat(sleeps).hasSize(2);
    assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
    assertThat(sleeps.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
  }

  @Test
  void retryAfterOfATooManyRequestsAnswerIsHonoured() throws IOException {
    ImageReference ref = ref("throttled/app:v1");
    RawManifest pushed = pushImage(client, ref, randomBytes(100));
    proxy.failNext("GET", "/v2/throttled/app/manifests/", 1, 429, Map.of("Retry-After", "2"));

    assertThat(client.pullManifest(ref)).isEqualTo(pushed);
    assertThat(sleeps).containsExactly(Duration.ofSeconds(2));
  }

  @Test
  void persistentServerErrorsFailAsUnavailableAfterTheLimit() throws IOException {
    ImageReference ref = ref("broken/app:v1");
    proxy.failNext("GET", "/v2/broken/app/manifests/", 10, 500, Map.of());

    assertThatThrownBy(() -> client.pullManifest(ref))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
              assertThat(e.retryable()).isTrue();
              assertThat(e.status()).isEqualTo(500);
              assertThat(e.getMessage()).startsWith("pull manifest " + ref);
            });
    assertThat(proxy.count("GET", "/v2/broken/app/manifests/v1")).isEqualTo(4);
  }

  @Test
  void clientErrorsAreNotRetried() throws IOException {
    ImageReference ref = ref("rejected/app:v1");
    proxy.failNext("GET", "/v2/rejected/app/manifests/", 1, 400, Map.of());

    assertThatThrownBy(() -> client.pullManifest(ref))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.REJECTED));
    assertThat(proxy.count("GET", "/v2/rejected/app/manifests/v1")).isEqualTo(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void brokenDownloadResumesWithRangeAndIsVerified() throws IOException {
    ImageReference ref = ref("resume/app:v1");
    byte[] content = randomBytes(300_000);
    BlobSource blob = BlobSource.ofBytes(content);
    client.pushBlob(ref, blob);
    proxy.cutNext("GET", "/v2/resume/app/blobs/", 2, 100_000);

    byte[] pulled;
    try (InputStream in = client.openBlob(ref, blob.digest(), content.length)) {
      pulled = in.readAllBytes();
    }

    assertThat(pulled).isEqualTo(content);
    List<FaultyProxy.Seen> gets =
        proxy.requests().stream()
            .filter(s -> s.method().equals("GET") && s.path().startsWith("/v2/resume/app/blobs/"))
            .toList();
    assertThat(gets).hasSize(3);
    assertThat(gets.get(0).range()).isNull();
    // Each resume starts where the client's verified bytes ended: at most where the proxy cut
    // (bytes in flight when the connection broke may be lost), and always further than before.
    long first = rangeStart(gets.get(1).range());
    long second = rangeStart(gets.get(2).range());
    assertThat(first).isPositive().isLessThanOrEqualTo(100_000);
    assertThat(second).isGreaterThan(first).isLessThanOrEqualTo(first + 100_000);
  }

  private static long rangeStart(String range) {
    assertThat(range).matches("bytes=\\d+-");
    return Long.parseLong(range.substring("bytes=".length(), range.length() - 1));
  }

  @Test
  void stalledDownloadIsAbandonedAfterTheReadTimeoutAndResumed() throws IOException {
    RegistryClient impatient =
        RegistryClient.builder()
            .registry(RegistryConfig.plainHttp(proxy.host()))
            .retryPolicy(POLICY)
            .readTimeout(Duration.ofMillis(500))
            .sleeper(sleeps::add)
            .build();
    ImageReference ref = ref("stall/app:v1");
    byte[] content = randomBytes(200_000);
    BlobSource blob = BlobSource.ofBytes(content);
    impatient.pushBlob(ref, blob);
    proxy.stallNext("GET", "/v2/stall/app/blobs/", 1, 50_000);

    long start = System.nanoTime();
    try (InputStream in = impatient.openBlob(ref, blob.digest(), content.length)) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(proxy.requests())
        .filteredOn(s -> s.method().equals("GET") && s.path().startsWith("/v2/stall/app/blobs/"))
        .extracting(FaultyProxy.Seen::range)
        .containsExactly(null, "bytes=50000-");
  }

  @Test
  void manifestServedAsPlainJsonTakesTheTypeItsDocumentNames() throws IOException {
    RawManifest pushed = pushImage(client, ref("plainjson/app:v1"), randomBytes(10));
    String json = new String(pushed.bytes(), StandardCharsets.UTF_8);
    proxy.answerNext(
        "GET",
        "/v2/plainjson/app/manifests/v1",
        200,
        Map.of("Content-Type", "application/json"),
        json);
    proxy.answerNext(
        "GET",
        "/v2/plainjson/app/manifests/v1",
        200,
        Map.of("Content-Type", "application/json"),
        "{\"schemaVersion\":2}");

    assertThat(client.pullManifest(ref("plainjson/app:v1"))).isEqualTo(pushed);
    assertThatThrownBy(() -> client.pullManifest(ref("plainjson/app:v1")))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.REJECTED);
              assertThat(e).hasMessageContaining("unsupported manifest media type ''");
            });
  }

  @Test
  void tagListFollowsTheNextLinkToTheRegistry() throws IOException {
    // distribution 2.8 answers all tags on one page, so the proxy plays a paginating first page
    RawManifest manifest = pushImage(client, ref("pages/app:c"), randomBytes(10));
    client.pushManifest(ref("pages/app:d"), manifest);
    proxy.answerNext(
        "GET",
        "/v2/pages/app/tags/list",
        200,
        Map.of(
            "Content-Type", "application/json",
            "Link", "</v2/pages/app/tags/list?last=b&n=2>; rel=\"next\""),
        "{\"name\":\"pages/app\",\"tags\":[\"a\",\"b\"]}");

    assertThat(client.listTags(ref("pages/app:c"))).containsExactly("a", "b", "c", "d");
    assertThat(proxy.requests())
        .filteredOn(s -> s.path().startsWith("/v2/pages/app/tags/list"))
        .extracting(FaultyProxy.Seen::path)
        .containsExactly("/v2/pages/app/tags/list?n=100", "/v2/pages/app/tags/list?last=b&n=2");
  }

  @Test
  void failedChunkRestartsTheUploadFromANewSession() throws IOException {
    ImageReference ref = ref("restart/app:v1");
    byte[] content = randomBytes(200_000);
    proxy.failNext("PATCH", "/v2/restart/app/blobs/uploads/", 1, 500, Map.of());

    assertThat(client.pushBlob(ref, BlobSource.ofBytes(content)))
        .isEqualTo(BlobPushOutcome.UPLOADED);

    assertThat(proxy.count("POST", "/v2/restart/app/blobs/uploads/")).isEqualTo(2);
    try (InputStream in = client.openBlob(ref, Digest.of(content), content.length)) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
  }

  @Test
  void tokenRefusedDuringAnUploadRestartsThePushWithANewToken() throws IOException {
    try (LocalRegistry tokenRegistry =
            LocalRegistry.builder().tokenAuth("uploader", "up-pass").start();
        FaultyProxy tokenProxy = new FaultyProxy(tokenRegistry.host())) {
      RegistryClient uploader =
          RegistryClient.builder()
              .registry(
                  RegistryConfig.plainHttp(tokenProxy.host())
                      .withCredentials("uploader", "up-pass"))
              .retryPolicy(POLICY)
              .chunkSize(64 * 1024)
              .sleeper(sleeps::add)
              .build();
      ImageReference ref = ImageReference.parse(tokenProxy.host() + "/expire/app:v1");
      String challenge =
          "Bearer realm=\""
              + tokenRegistry.tokenServer().realm()
              + "\",service=\"test-registry\",scope=\"repository:expire/app:pull,push\"";
      tokenProxy.answerNext(
          "PATCH",
          "/v2/expire/app/blobs/uploads/",
          401,
          Map.of("WWW-Authenticate", challenge),
          "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"token expired\"}]}");
      byte[] content = randomBytes(150_000);
      int tokensBefore = tokenRegistry.tokenServer().issuedTokens();

      assertThat(uploader.pushBlob(ref, BlobSource.ofBytes(content)))
          .isEqualTo(BlobPushOutcome.UPLOADED);

      assertThat(tokenProxy.count("POST", "/v2/expire/app/blobs/uploads/")).isEqualTo(2);
      // pull (existence check), pull+push, and the replacement pull+push token
      assertThat(tokenRegistry.tokenServer().issuedTokens() - tokensBefore).isEqualTo(3);
      try (InputStream in = uploader.openBlob(ref, Digest.of(content), content.length)) {
        assertThat(in.readAllBytes()).isEqualTo(content);
      }
    }
  }

  @Test
  void registryStoppedForAWhileIsWaitedFor() throws Exception {
    ImageReference direct = ImageReference.parse(registry.host() + "/outage/app:v1");
    RegistryClient patient =
        RegistryClient.builder()
            .registry(RegistryConfig.plainHttp(registry.host()))
            .retryPolicy(new RetryPolicy(8, Duration.ofMillis(200), Duration.ofSeconds(2)))
            .build();
    RawManifest pushed = pushImage(patient, direct, randomBytes(100));
    registry.stopProcess();
    Thread restarter =
        new Thread(
            () -> {
              try {
                Thread.sleep(1500);
                registry.startProcess();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    restarter.start();
    try {
      assertThat(patient.pullManifest(direct)).isEqualTo(pushed);
    } finally {
      restarter.join();
    }
    assertThat(registry.starts()).isEqualTo(2);
  }
}
