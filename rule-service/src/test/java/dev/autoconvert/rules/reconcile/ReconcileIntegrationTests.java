package dev.autoconvert.rules.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.contracts.ConversionRequest;
import dev.autoconvert.contracts.ConversionStatus;
import dev.autoconvert.contracts.JobStatus;
import dev.autoconvert.contracts.JsonCodec;
import dev.autoconvert.rules.IntegrationTestSupport;
import dev.autoconvert.testsupport.registry.LocalRegistry;
import dev.autoconvert.testsupport.registry.OciLayout;
import dev.autoconvert.testsupport.registry.TarBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Invariant 9 against a real docker-registry: images pushed while no event reached the service
 * (here: a registry without notifications) are found by listing tags, and converted once.
 */
class ReconcileIntegrationTests extends IntegrationTestSupport {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  private static byte[] layer(String content) {
    return new TarBuilder().file("etc/content", content + RUN).build();
  }

  /** The conversion requests into {@code target} so far, once there are {@code atLeast}. */
  private static List<ConversionRequest> requestsInto(String target, int atLeast) {
    return requests(target::equals, atLeast, WAIT).stream()
        .map(r -> JsonCodec.decode(r.value(), ConversionRequest.class))
        .toList();
  }

  /** What a worker reports once it moved the target tag to {@code targetDigest}. */
  private void succeeded(UUID jobId, String targetDigest) throws Exception {
    send(
        STATUS_TOPIC,
        jobId.toString(),
        new ConversionStatus(
            jobId,
            1,
            JobStatus.SUCCEEDED,
            "worker-it",
            Instant.now(),
            null,
            null,
            targetDigest,
            null,
            null));
    String status =
        await(
            () -> {
              try {
                return get("/api/v1/conversions/" + jobId).body().get("status").asString();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            "SUCCEEDED"::equals,
            WAIT);
    assertThat(status).isEqualTo("SUCCEEDED");
  }

  private JsonNode reconcile(String ruleId) throws Exception {
    Reply reply = post("/api/v1/rules/" + ruleId + "/reconcile", null);
    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(200);
    assertThat(reply.body().get("errors")).isEmpty();
    return reply.body();
  }

  @Test
  void tagsShowingANydusImageAreNotConverted() throws Exception {
    LocalRegistry registry = registry();
    OciLayout layout = OciLayout.create(dir.resolve("nydus"));
    layout.nydusShapedImage("nydus", "amd64", List.of(layer("made by other tooling")));
    layout.image("plain", "amd64", List.of(layer("plain")));
    String repository = "recon-nydus-" + RUN + "/app";
    registry.pushFromLayout(layout.path(), "nydus", repository + ":v1-nydus");
    registry.pushFromLayout(layout.path(), "plain", repository + ":v2");
    String ruleId = ruleFor(registry, repository, "*");

    JsonNode report = reconcile(ruleId);

    assertThat(report.get("tagsMatched").asInt()).isEqualTo(2);
    assertThat(report.get("nydusImages").asInt()).isEqualTo(1);
    assertThat(report.get("opened").valueStream().map(o -> o.get("tag").asString()))
        .containsExactly("v2");
  }

  @Test
  void tagsWhosePushEventsWereLostAreConvertedOnce() throws Exception {
    LocalRegistry registry = registry();
    OciLayout layout = OciLayout.create(dir.resolve("layout"));
    OciLayout.Image v1 = layout.image("v1", "amd64", List.of(layer("one")));
    layout.image("v2", "amd64", List.of(layer("two")));
    OciLayout.Image converted = layout.image("converted", "amd64", List.of(layer("nydus")));
    String repository = "recon-" + RUN + "/app";
    registry.pushFromLayout(layout.path(), "v1", repository + ":v1");
    registry.pushFromLayout(layout.path(), "v2", repository + ":v2");
    registry.pushFromLayout(layout.path(), "v1", repository + ":latest");
    // the rule comes after the pushes: backfilling it is the reconciler's job
    String ruleId = ruleFor(registry, repository, "v*");

    JsonNode first = reconcile(ruleId);
    assertThat(first.get("tagsMatched").asInt()).isEqualTo(2);
    assertThat(first.get("opened").valueStream().map(o -> o.get("tag").asString()))
        .containsExactlyInAnyOrder("v1", "v2");
    List<ConversionRequest> sent =
        requestsInto(registry.host() + "/" + repository + ":v1-nydus", 1);
    assertThat(sent).hasSize(1);
    ConversionRequest request = sent.get(0);
    assertThat(request.sourceDigest()).isEqualTo(v1.manifest().digest());

    JsonNode again = reconcile(ruleId);
    assertThat(again.get("opened")).isEmpty();
    assertThat(again.get("inProgress").asInt()).isEqualTo(2);

    // a worker converts v1: pushes v1-nydus and reports its digest
    UUID v1Job = request.jobId();
    registry.pushFromLayout(layout.path(), "converted", repository + ":v1-nydus");
    succeeded(v1Job, converted.manifest().digest());

    JsonNode third = reconcile(ruleId);
    assertThat(third.get("tagsMatched").asInt()).isEqualTo(3);
    assertThat(third.get("upToDate").asInt()).isEqualTo(1);
    assertThat(third.get("inProgress").asInt()).isEqualTo(1);
    assertThat(third.get("ownOutput").asInt()).as("v1-nydus is our own output").isEqualTo(1);
    assertThat(third.get("opened")).isEmpty();

    // someone deletes the Nydus copy: the next run converts v1 again
    HttpResponse<Void> deleted =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://"
                                + registry.host()
                                + "/v2/"
                                + repository
                                + "/manifests/"
                                + converted.manifest().digest()))
                    .DELETE()
                    .build(),
                HttpResponse.BodyHandlers.discarding());
    assertThat(deleted.statusCode()).isEqualTo(202);
    JsonNode fourth = reconcile(ruleId);
    assertThat(fourth.get("opened").valueStream().map(o -> o.get("tag").asString()))
        .containsExactly("v1");
  }

  @Test
  void targetTagMovedBackByAnOlderConversionIsConvertedAgain() throws Exception {
    LocalRegistry registry = registry();
    OciLayout layout = OciLayout.create(dir.resolve("layout"));
    OciLayout.Image first = layout.image("first", "amd64", List.of(layer("first push")));
    OciLayout.Image second = layout.image("second", "amd64", List.of(layer("second push")));
    OciLayout.Image firstCopy = layout.image("first-copy", "amd64", List.of(layer("first copy")));
    OciLayout.Image secondCopy =
        layout.image("second-copy", "amd64", List.of(layer("second copy")));
    String repository = "recon4-" + RUN + "/app";
    String target = registry.host() + "/" + repository + ":v1-nydus";
    String ruleId = ruleFor(registry, repository, "v1");
    registry.pushFromLayout(layout.path(), "first", repository + ":v1");
    reconcile(ruleId);
    // v1 is pushed again while the first conversion still runs
    registry.pushFromLayout(layout.path(), "second", repository + ":v1");
    reconcile(ruleId);
    List<ConversionRequest> sent = requestsInto(target, 2);
    assertThat(sent)
        .extracting(ConversionRequest::sourceDigest)
        .containsExactly(first.manifest().digest(), second.manifest().digest());

    // the newer conversion moves the tag; the copy is current
    registry.pushFromLayout(layout.path(), "second-copy", repository + ":v1-nydus");
    succeeded(sent.get(1).jobId(), secondCopy.manifest().digest());
    JsonNode current = reconcile(ruleId);
    assertThat(current.get("upToDate").asInt()).isEqualTo(1);
    assertThat(current.get("opened")).isEmpty();

    // the older one passed its last push-order check just before, and moves the tag back
    registry.pushFromLayout(layout.path(), "first-copy", repository + ":v1-nydus");
    succeeded(sent.get(0).jobId(), firstCopy.manifest().digest());
    JsonNode repaired = reconcile(ruleId);
    assertThat(repaired.get("upToDate").asInt()).isZero();
    assertThat(repaired.get("opened").valueStream().map(o -> o.get("tag").asString()))
        .containsExactly("v1");
    List<ConversionRequest> all = requestsInto(target, 3);
    assertThat(all).hasSize(3);
    ConversionRequest again = all.get(2);
    assertThat(again.sourceDigest()).isEqualTo(second.manifest().digest());
    assertThat(again.sequence())
        .as("a newer sequence, so the worker's push-order check lets it move the tag")
        .isGreaterThan(sent.get(1).sequence());
  }

  @Test
  void globRuleFindsItsRepositoriesInTheCatalogLessItsExclusions() throws Exception {
    LocalRegistry registry = registry();
    OciLayout layout = OciLayout.create(dir.resolve("layout"));
    layout.image("v1", "amd64", List.of(layer("catalog")));
    String namespace = "recon2-" + RUN;
    registry.pushFromLayout(layout.path(), "v1", namespace + "/api:v1");
    registry.pushFromLayout(layout.path(), "v1", namespace + "/api:v1-debug");
    registry.pushFromLayout(layout.path(), "v1", namespace + "/web:v1");
    registry.pushFromLayout(layout.path(), "v1", namespace + "/scratch:v1");
    registry.pushFromLayout(layout.path(), "v1", "other-" + RUN + "/web:v1");
    String ruleId =
        createRule(
            Map.of(
                "name",
                namespace,
                "namespacePattern",
                namespace,
                "tagPattern",
                "v1*",
                "excludeRepositoryPattern",
                namespace + "/scratch",
                "excludeTagPattern",
                "*-debug"));

    JsonNode report = reconcile(ruleId);
    assertThat(report.get("repositories").asInt()).isEqualTo(2);
    assertThat(report.get("opened").valueStream().map(o -> o.get("repository").asString()))
        .containsExactlyInAnyOrder(namespace + "/api", namespace + "/web");
  }

  @Test
  void aDryRunReportsWhatItWouldConvertAndOpensNoJob() throws Exception {
    LocalRegistry registry = registry();
    OciLayout layout = OciLayout.create(dir.resolve("layout"));
    OciLayout.Image v1 = layout.image("v1", "amd64", List.of(layer("dry one")));
    layout.image("v2", "amd64", List.of(layer("dry two")));
    String repository = "recon-dry-" + RUN + "/app";
    registry.pushFromLayout(layout.path(), "v1", repository + ":v1");
    registry.pushFromLayout(layout.path(), "v2", repository + ":v2");
    String ruleId = ruleFor(registry, repository, "v*");

    Reply dry = post("/api/v1/rules/" + ruleId + "/reconcile?dryRun=true", null);

    assertThat(dry.status()).as(dry.raw().body()).isEqualTo(200);
    assertThat(dry.body().get("dryRun").asBoolean()).isTrue();
    assertThat(dry.body().get("opened")).isEmpty();
    assertThat(dry.body().get("wouldOpen").valueStream().map(c -> c.get("tag").asString()))
        .containsExactlyInAnyOrder("v1", "v2");
    JsonNode first =
        dry.body()
            .get("wouldOpen")
            .valueStream()
            .filter(c -> c.get("tag").asString().equals("v1"))
            .findFirst()
            .orElseThrow();
    assertThat(first.get("sourceDigest").asString()).isEqualTo(v1.manifest().digest());
    assertThat(first.get("targetTag").asString()).isEqualTo("v1-nydus");
    assertThat(get("/api/v1/conversions?repository=" + repository).body().get("total").asInt())
        .as("a dry run opens no job")
        .isZero();

    JsonNode real = reconcile(ruleId);
    assertThat(real.get("dryRun").asBoolean()).isFalse();
    assertThat(real.get("wouldOpen")).isEmpty();
    assertThat(real.get("opened").valueStream().map(o -> o.get("tag").asString()))
        .containsExactlyInAnyOrder("v1", "v2");
  }

  @Test
  void ruleForAnUnconfiguredRegistryReportsIt() throws Exception {
    String ruleId =
        createRule(
            Map.of(
                "name", "recon3-" + RUN, "registry", "elsewhere.example:5000", "tagPattern", "v1"));
    Reply reply = post("/api/v1/rules/" + ruleId + "/reconcile", null);
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body().get("errors").get(0).asString())
        .contains("elsewhere.example:5000")
        .contains("not configured");
  }
}
