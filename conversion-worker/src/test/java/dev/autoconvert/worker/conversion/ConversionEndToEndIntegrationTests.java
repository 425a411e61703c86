package dev.autoconvert.worker.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.cli.store.RegistryImageStore;
import dev.autoconvert.cli.store.StoredManifest;
import dev.autoconvert.contracts.ConversionOptions;
import dev.autoconvert.contracts.ConversionRequest;
import dev.autoconvert.contracts.ConversionStatus;
import dev.autoconvert.contracts.FailureCode;
import dev.autoconvert.contracts.JobStatus;
import dev.autoconvert.contracts.OutputAnnotations;
import dev.autoconvert.format.image.NydusImageAssembler;
import dev.autoconvert.imagespec.MediaTypes;
import dev.autoconvert.imagespec.NydusAnnotations;
import dev.autoconvert.imagespec.SourceKind;
import dev.autoconvert.testsupport.registry.LocalRegistry;
import dev.autoconvert.testsupport.registry.OciLayout;
import dev.autoconvert.testsupport.registry.TarBuilder;
import dev.autoconvert.worker.testing.ConversionFixture;
import dev.autoconvert.worker.testing.KafkaTestSupport;
import dev.autoconvert.worker.testing.WorkerTestProperties;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The worker end to end against the real Kafka broker and a real docker-registry: requests in,
 * Nydus images out, verified by {@code converter-cli check} (fsck.erofs) against the source.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class ConversionEndToEndIntegrationTests {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String REQUESTS = WorkerTestProperties.requests("e2e", RUN);
  private static final String STATUS = WorkerTestProperties.status("e2e", RUN);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static LocalRegistry registry;
  private static KafkaTestSupport kafka;
  private static ConversionFixture images;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry properties) throws IOException {
    registry = LocalRegistry.start();
    kafka = new KafkaTestSupport(STATUS);
    images = new ConversionFixture(registry);
    WorkerTestProperties.register(properties, registry, "e2e", RUN);
  }

  @AfterAll
  static void stop() throws IOException {
    kafka.close();
    registry.close();
  }

  private static List<ConversionStatus> convert(ConversionRequest request) {
    kafka.send(REQUESTS, request.key(), request);
    return kafka.awaitTerminal(request.jobId(), TIMEOUT);
  }

  private static ConversionStatus last(List<ConversionStatus> updates) {
    return updates.get(updates.size() - 1);
  }

  @Test
  void multiLayerImageConvertsAndItsFilesystemEqualsTheSource() throws IOException {
    String digest = images.push("e2e/app", "v1", ConversionFixture.threeLayers("a"));
    List<ConversionStatus> updates =
        convert(images.request("e2e/app", "v1", digest, 1, ConversionOptions.defaults()));

    ConversionStatus done = last(updates);
    assertThat(done.status()).as(updates.toString()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(done.result().layersConverted()).isEqualTo(3);
    assertThat(done.result().layersFromCache()).isZero();
    assertThat(done.result().phaseMillis()).containsKeys("queue", "pull", "convert", "push");
    assertThat(done.result().targetSize()).isPositive();
    assertThat(updates)
        .filteredOn(u -> u.progress() != null && u.targetDigest() == null)
        .extracting(u -> u.progress().layersDone())
        .containsExactly(1, 2, 3);
    // the digest is reported before the tag moves, and the tag ends there
    ConversionStatus announced =
        updates.stream()
            .filter(u -> u.status() == JobStatus.RUNNING && u.targetDigest() != null)
            .findFirst()
            .orElseThrow();
    assertThat(announced.targetDigest()).isEqualTo(done.targetDigest());
    StoredManifest nydus = images.manifest("e2e/app", "v1-nydus");
    assertThat(nydus.digest()).isEqualTo(done.targetDigest());
    assertThat(SourceKind.of(nydus.mediaType(), nydus.bytes()).kind())
        .isEqualTo(SourceKind.Kind.NYDUS);
    assertThat(NydusImageAssembler.annotations(nydus.bytes()))
        .containsEntry(NydusAnnotations.SOURCE_DIGEST, digest)
        .containsEntry(OutputAnnotations.SEQUENCE, "1");

    assertThat(images.check("e2e/app", "v1")).startsWith("exit 0").contains("filesystem ok");
  }

  @Test
  void pushingTheTagAgainOverwritesTheNydusCopy() throws IOException {
    String first = images.push("e2e/again", "v1", ConversionFixture.threeLayers("first"));
    ConversionStatus one =
        last(convert(images.request("e2e/again", "v1", first, 1, ConversionOptions.defaults())));
    assertThat(one.status()).isEqualTo(JobStatus.SUCCEEDED);

    String second = images.push("e2e/again", "v1", ConversionFixture.threeLayers("second"));
    ConversionStatus two =
        last(convert(images.request("e2e/again", "v1", second, 2, ConversionOptions.defaults())));
    assertThat(two.status()).isEqualTo(JobStatus.SUCCEEDED);

    assertThat(two.targetDigest()).isNotEqualTo(one.targetDigest());
    assertThat(images.digest("e2e/again", "v1-nydus")).isEqualTo(two.targetDigest());
    assertThat(images.check("e2e/again", "v1")).startsWith("exit 0");
  }

  @Test
  void olderPushConvertedAfterANewerOneIsSupersededAndLeavesTheTag() throws IOException {
    String older = images.push("e2e/order", "v1", ConversionFixture.threeLayers("older"));
    String newer = images.push("e2e/order", "v1", ConversionFixture.threeLayers("newer"));
    // both requests in push order; the older one is converted while the tag already moved on
    ConversionRequest first =
        images.request("e2e/order", "v1", older, 1, ConversionOptions.defaults());
    ConversionRequest second =
        images.request("e2e/order", "v1", newer, 2, ConversionOptions.defaults());
    kafka.send(REQUESTS, first.key(), first);
    kafka.send(REQUESTS, second.key(), second);
    ConversionStatus a = last(kafka.awaitTerminal(first.jobId(), TIMEOUT));
    ConversionStatus b = last(kafka.awaitTerminal(second.jobId(), TIMEOUT));
    assertThat(a.status()).isEqualTo(JobStatus.SUPERSEDED);
    assertThat(a.reason()).contains("newer push");
    assertThat(b.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(images.digest("e2e/order", "v1-nydus")).isEqualTo(b.targetDigest());

    // a request without a source tag (by digest) is still refused by the sequence on the target
    ConversionRequest late =
        new ConversionRequest(
            UUID.randomUUID(),
            1,
            1,
            first.registry(),
            "e2e/order",
            null,
            older,
            "e2e/order",
            "v1-nydus",
            first.pushedAt(),
            ConversionOptions.defaults());
    ConversionStatus c = last(convert(late));
    assertThat(c.status()).isEqualTo(JobStatus.SUPERSEDED);
    assertThat(c.reason()).contains("push 2");
    assertThat(images.digest("e2e/order", "v1-nydus")).isEqualTo(b.targetDigest());
  }

  @Test
  void multiPlatformIndexConvertsToANydusIndexWithEveryPlatform() throws IOException {
    String digest = images.pushIndex("e2e/multi", "v1", List.of("amd64", "arm64"));
    ConversionStatus done =
        last(convert(images.request("e2e/multi", "v1", digest, 1, ConversionOptions.defaults())));
    assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(done.result().layersConverted()).isEqualTo(2);

    StoredManifest index = images.manifest("e2e/multi", "v1-nydus");
    assertThat(index.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
    JsonNode manifests = JSON.readTree(index.bytes()).get("manifests");
    assertThat(manifests.size()).isEqualTo(2);
    for (JsonNode entry : manifests) {
      StoredManifest child = images.manifest("e2e/multi", entry.get("digest").asString());
      assertThat(SourceKind.of(child.mediaType(), child.bytes()).kind())
          .isEqualTo(SourceKind.Kind.NYDUS);
    }
    assertThat(manifests.get(1).get("platform").get("architecture").asString()).isEqualTo("arm64");
    assertThat(images.check("e2e/multi", "v1", "--platform", "linux/arm64")).startsWith("exit 0");
  }

  @Test
  void secondImageSharingBaseLayersConvertsOnlyItsNewLayerAndMountsTheSharedBlob()
      throws IOException {
    byte[] base =
        new TarBuilder()
            .file("usr/lib/base.so", ConversionFixture.pattern(300_000, 7), 0755)
            .build();
    String one =
        images.push(
            "e2e/share-one", "v1", List.of(base, new TarBuilder().file("app/one", "1\n").build()));
    String two =
        images.push(
            "e2e/share-two", "v1", List.of(base, new TarBuilder().file("app/two", "2\n").build()));
    ConversionStatus first =
        last(convert(images.request("e2e/share-one", "v1", one, 1, ConversionOptions.defaults())));
    assertThat(first.result().layersConverted()).isEqualTo(2);

    ConversionStatus second =
        last(convert(images.request("e2e/share-two", "v1", two, 1, ConversionOptions.defaults())));
    assertThat(second.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(second.result().layersFromCache()).isEqualTo(1);
    assertThat(second.result().layersConverted()).isEqualTo(1);
    String sharedBlob =
        JSON.readTree(images.manifest("e2e/share-two", "v1-nydus").bytes())
            .get("layers")
            .get(0)
            .get("digest")
            .asString();
    String mount = "mount=sha256%3A" + sharedBlob.substring("sha256:".length());
    assertThat(registry.requests())
        .as("the shared blob is mounted from the layer cache repository, not uploaded")
        .anyMatch(
            r ->
                r.startsWith("POST /v2/e2e/share-two/blobs/uploads/?")
                    && r.contains(mount)
                    && r.contains("from=autoconvert%2Flayer-cache")
                    && r.endsWith(" 201"))
        .noneMatch(
            r ->
                r.startsWith("PUT /v2/e2e/share-two/blobs/uploads/")
                    && r.contains(sharedBlob.substring(7)));
    assertThat(images.check("e2e/share-two", "v1")).startsWith("exit 0");
  }

  @Test
  void dockerSchema2SourceBecomesADockerSchema2NydusImage() throws IOException {
    String digest = images.pushDocker("e2e/docker", "v1", ConversionFixture.threeLayers("docker"));
    assertThat(images.manifest("e2e/docker", digest).mediaType())
        .isEqualTo(MediaTypes.DOCKER_MANIFEST);
    ConversionStatus done =
        last(convert(images.request("e2e/docker", "v1", digest, 1, ConversionOptions.defaults())));
    assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
    StoredManifest nydus = images.manifest("e2e/docker", "v1-nydus");
    assertThat(nydus.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    JsonNode layers = JSON.readTree(nydus.bytes()).get("layers");
    assertThat(layers.get(0).get("mediaType").asString()).isEqualTo(MediaTypes.NYDUS_BLOB);
    assertThat(layers.get(3).get("mediaType").asString()).isEqualTo(MediaTypes.DOCKER_LAYER_GZIP);
    assertThat(images.check("e2e/docker", "v1")).startsWith("exit 0");
  }

  @Test
  void alreadyNydusAndNonImageSourcesAreSkipped() throws IOException {
    String digest = images.push("e2e/skip", "v1", ConversionFixture.threeLayers("s"));
    assertThat(
            last(convert(images.request("e2e/skip", "v1", digest, 1, ConversionOptions.defaults())))
                .status())
        .isEqualTo(JobStatus.SUCCEEDED);
    String nydus = images.digest("e2e/skip", "v1-nydus");
    ConversionStatus again =
        last(
            convert(
                images.request("e2e/skip", "v1-nydus", nydus, 2, ConversionOptions.defaults())));
    assertThat(again.status()).isEqualTo(JobStatus.SKIPPED);
    assertThat(again.reason()).contains("already a Nydus image");
  }

  @Test
  void commandLineConvertsBetweenRegistryReferences() throws IOException {
    images.push("e2e/cli", "v1", ConversionFixture.threeLayers("cli"));
    String host = registry.host();
    String out =
        ConversionFixture.cli(
            List.of(
                "convert",
                "--plain-http",
                "--source",
                host + "/e2e/cli:v1",
                "--target",
                host + "/e2e/cli:v1-nydus"));
    assertThat(out).startsWith("exit 0").contains("layer 3/3 converted");
    assertThat(images.check("e2e/cli", "v1")).startsWith("exit 0");
  }

  @Test
  void helmChartIsSkippedAsNotAnImage() throws IOException {
    RegistryImageStore store = images.store("e2e/chart");
    byte[] config = "{\"name\":\"demo\",\"version\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);
    byte[] chart = OciLayout.gzip(new TarBuilder().file("demo/Chart.yaml", "name: demo\n").build());
    String configDigest = NydusImageAssembler.digest(config);
    String chartDigest = NydusImageAssembler.digest(chart);
    store.pushBlob(configDigest, config.length, () -> new ByteArrayInputStream(config), null);
    store.pushBlob(chartDigest, chart.length, () -> new ByteArrayInputStream(chart), null);
    String manifest =
        """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
         "config":{"mediaType":"application/vnd.cncf.helm.config.v1+json","digest":"%s","size":%d},
         "layers":[{"mediaType":"application/vnd.cncf.helm.chart.content.v1.tar+gzip",
                    "digest":"%s","size":%d}]}
        """
            .formatted(configDigest, config.length, chartDigest, chart.length);
    StoredManifest stored =
        StoredManifest.of(MediaTypes.OCI_MANIFEST, manifest.getBytes(StandardCharsets.UTF_8));
    store.pushManifest("1.0.0", stored);
    ConversionStatus done =
        last(
            convert(
                images.request(
                    "e2e/chart", "1.0.0", stored.digest(), 1, ConversionOptions.defaults())));
    assertThat(done.status()).isEqualTo(JobStatus.SKIPPED);
    assertThat(done.reason()).contains("application/vnd.cncf.helm.config.v1+json");
    assertThat(store.findManifest("1.0.0-nydus")).isEmpty();
  }

  @Test
  void requestsThatCannotSucceedFailAtOnceWithTheirCode() throws IOException {
    String digest = images.push("e2e/bad", "v1", ConversionFixture.threeLayers("bad"));
    ConversionRequest ok = images.request("e2e/bad", "v1", digest, 1, ConversionOptions.defaults());
    ConversionRequest longTag =
        new ConversionRequest(
            UUID.randomUUID(),
            1,
            1,
            ok.registry(),
            "e2e/bad",
            "v1",
            digest,
            "e2e/bad",
            "t".repeat(129),
            ok.pushedAt(),
            ok.options());
    List<ConversionStatus> tooLong = convert(longTag);
    assertThat(last(tooLong).failureCode()).isEqualTo(FailureCode.TAG_TOO_LONG);
    assertThat(tooLong).extracting(ConversionStatus::status).doesNotContain(JobStatus.RETRYING);

    // by digest, without a source tag: a tag that moved on would make it SUPERSEDED instead
    ConversionRequest missing =
        new ConversionRequest(
            UUID.randomUUID(),
            1,
            2,
            ok.registry(),
            "e2e/bad",
            null,
            "sha256:" + "0".repeat(64),
            "e2e/bad",
            "v1-nydus",
            ok.pushedAt(),
            ok.options());
    assertThat(last(convert(missing)).failureCode()).isEqualTo(FailureCode.SOURCE_NOT_FOUND);

    ConversionRequest badOptions =
        images.request(
            "e2e/bad",
            "v1",
            digest,
            3,
            new ConversionOptions("brotli", 1 << 20, "blake3", List.of(), List.of(), false));
    ConversionStatus failed = last(convert(badOptions));
    assertThat(failed.failureCode()).isEqualTo(FailureCode.SOURCE_UNSUPPORTED);
    assertThat(failed.reason()).contains("brotli");
  }

  @Test
  void registryStoppedForAWhileGivesRetryingThenSucceeded() throws Exception {
    String digest = images.push("e2e/outage", "v1", ConversionFixture.threeLayers("outage"));
    ConversionRequest request =
        images.request("e2e/outage", "v1", digest, 1, ConversionOptions.defaults());
    registry.stopProcess();
    try {
      kafka.send(REQUESTS, request.key(), request);
      kafka.await(request.jobId(), TIMEOUT, u -> u.status() == JobStatus.RETRYING, "RETRYING");
    } finally {
      registry.startProcess();
    }
    List<ConversionStatus> updates = kafka.awaitTerminal(request.jobId(), TIMEOUT);
    assertThat(last(updates).status()).as(updates.toString()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(updates).extracting(ConversionStatus::status).contains(JobStatus.RETRYING);
    assertThat(images.check("e2e/outage", "v1")).startsWith("exit 0");
  }
}
