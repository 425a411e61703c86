package dev.autoconvert.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A push all the way to its Nydus copy: the running worker pulls the source, converts it, pushes
 * {@code <tag>-nydus}, and the job ends SUCCEEDED; the worker's own push makes no job.
 */
class ConversionEndToEndIntegrationTests {

  /** Three small layers; minutes only when two shared cores are busy with other builds. */
  private static final Duration CONVERSION_ENDS = Duration.ofMinutes(5);

  private static final Duration NOTHING_MORE = Duration.ofSeconds(3);

  /** Random data enough that the worker still converts it when the cancellation arrives. */
  private static final int LARGE_LAYER_MIB = 256;

  /** Annotation on the last layer of a Nydus image: the bootstrap (NYDUS-FORMAT.md). */
  private static final String BOOTSTRAP_ANNOTATION = "containerd.io/snapshot/nydus-bootstrap";

  private static final String PUSH_EVENTS_METRIC = "autoconvert_push_events_total";
  private static final String NYDUS_IMAGE = "outcome=\"NYDUS_IMAGE\"";

  private static final String RUN =
      HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
  private static final String REPOSITORY = "systest/" + RUN + "-converted";

  private static RunningSystem system;
  private static final List<String> rulesCreated = new ArrayList<>();

  @TempDir Path workDir;

  @BeforeAll
  static void connect() throws Exception {
    system = RunningSystem.fromEnvFile();
  }

  @AfterAll
  static void deleteRules() throws Exception {
    for (String id : rulesCreated) {
      system.api("DELETE", "/rules/" + id, null);
    }
  }

  private static String rule(String repository) throws Exception {
    String id = system.createRule(repository, "*").path("id").asString();
    rulesCreated.add(id);
    return id;
  }

  @Test
  void pushedImageGetsANydusCopyAndTheCopyMakesNoJob() throws Exception {
    rule(REPOSITORY);
    SampleImages.Pushed pushed = new SampleImages(system, workDir).push(REPOSITORY, "v1");

    JsonNode job =
        system
            .awaitConversions(
                REPOSITORY,
                CONVERSION_ENDS,
                "finished conversion",
                jobs -> !jobs.isEmpty() && isTerminal(jobs.get(0).path("status").asString()))
            .get(0);
    assertThat(job.path("status").asString()).as("job %s", job).isEqualTo("SUCCEEDED");
    assertThat(job.path("sourceDigest").asString()).isEqualTo(pushed.digest());
    String targetDigest = job.path("targetDigest").asString();
    assertThat(targetDigest).startsWith("sha256:");

    RunningSystem.Response tagged = system.registryManifest(REPOSITORY, "v1-nydus");
    assertThat(tagged.status()).as("GET manifest v1-nydus").isEqualTo(200);
    JsonNode manifest = singlePlatform(tagged.json());
    JsonNode layers = manifest.path("layers");
    assertThat(layers.size()).as("layers of %s", manifest).isGreaterThan(1);
    assertThat(
            layers
                .path(layers.size() - 1)
                .path("annotations")
                .path(BOOTSTRAP_ANNOTATION)
                .asString())
        .as("last layer is the Nydus bootstrap")
        .isEqualTo("true");

    Commands.Result check = system.checkCopy(REPOSITORY, "v1");
    assertThat(check.exitCode()).as("./autoconvert check: %s", check.output()).isZero();

    // the worker's push of v1-nydus comes back as a push event: invariant 5, no job for it
    system.holdsFor(
        NOTHING_MORE,
        REPOSITORY,
        jobs -> jobs.size() == 1 && "v1".equals(jobs.get(0).path("sourceTag").asString()));
  }

  /**
   * The cancellation goes from the API through rule-service's outbox and Kafka to the worker that
   * converts the image (the topics as {@code up} configures them), which stops before the tag moves
   * and takes the next job.
   */
  @Test
  void cancellingARunningConversionLeavesItsTagAloneAndTheWorkerGoesOn() throws Exception {
    String repository = REPOSITORY + "-cancelled";
    rule(repository);
    SampleImages images = new SampleImages(system, workDir);
    images.push(images.build(LARGE_LAYER_MIB), SampleImages.LAYOUT_TAG, repository, "v1");
    String id = awaitLargeLastLayer(repository).path("id").asString();

    RunningSystem.Response cancelled = system.api("POST", "/conversions/" + id + "/cancel", null);

    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    assertThat(cancelled.json().path("status").asString()).isEqualTo("CANCELLED");
    awaitWorkerLog("job " + id + " was cancelled: its conversion stopped");
    assertThat(system.registryManifest(repository, "v1-nydus").status()).isEqualTo(404);
    // the worker goes on with the next job, and the cancelled one stays cancelled
    images.push(repository, "v2");
    system.awaitConversions(
        repository,
        CONVERSION_ENDS,
        "the next conversion",
        jobs ->
            jobs.size() == 2
                && jobs.get(0).path("status").asString().equals("SUCCEEDED")
                && jobs.get(1).path("status").asString().equals("CANCELLED"));
    assertThat(system.registryManifest(repository, "v1-nydus").status()).isEqualTo(404);
  }

  /**
   * A worker stopped as Kubernetes stops a pod (SIGTERM) in the middle of a conversion hands it
   * over: rule-service records the hand-over, a worker converts the job as its next attempt (the
   * other one, or this one once {@code up} started it again), and the job ends SUCCEEDED.
   */
  @Test
  void aWorkerStoppedMidConversionHandsTheJobOver() throws Exception {
    String repository = REPOSITORY + "-handed-over";
    rule(repository);
    SampleImages images = new SampleImages(system, workDir);
    SampleImages.Pushed pushed =
        images.push(images.build(LARGE_LAYER_MIB), SampleImages.LAYOUT_TAG, repository, "v1");
    JsonNode running = awaitLargeLastLayer(repository);

    system.stop(running.path("workerId").asString());
    Commands.Result up =
        Commands.run(system.repoRoot(), Duration.ofMinutes(5), "./autoconvert", "up");
    assertThat(up.exitCode()).as(up.output()).isZero();

    system.awaitConversions(
        repository,
        CONVERSION_ENDS,
        "the handed-over conversion's end",
        jobs -> jobs.size() == 1 && jobs.get(0).path("status").asString().equals("SUCCEEDED"));
    JsonNode detail =
        system.api("GET", "/conversions/" + running.path("id").asString(), null).json();
    assertThat(detail.path("attempts").asInt()).isEqualTo(2);
    assertThat(
            detail
                .path("transitions")
                .valueStream()
                .map(t -> t.path("to").asString() + " " + t.path("failureCode").asString("")))
        .containsSubsequence("RUNNING ", "RETRYING WORKER_STOPPED", "RUNNING ", "SUCCEEDED ");
    assertThat(
            system
                .registryManifest(repository, "v1-nydus")
                .json()
                .path("annotations")
                .path("containerd.io/snapshot/nydus-source-digest")
                .asString(""))
        .isEqualTo(pushed.digest());
  }

  /** The repository's one conversion once it has come to the image's large last layer. */
  private static JsonNode awaitLargeLastLayer(String repository) throws Exception {
    return system
        .awaitConversions(
            repository,
            CONVERSION_ENDS,
            "a conversion at its large last layer",
            jobs ->
                jobs.size() == 1 && jobs.get(0).path("progress").path("layersDone").asInt() >= 3)
        .get(0);
  }

  /** Waits until a worker's log (under {@code .autoconvert/logs}) has {@code line}. */
  private static void awaitWorkerLog(String line) throws Exception {
    Path logs = system.repoRoot().resolve(".autoconvert/logs");
    long deadline = System.nanoTime() + CONVERSION_ENDS.toNanos();
    while (true) {
      try (var files = Files.list(logs)) {
        for (Path log :
            files.filter(f -> f.getFileName().toString().startsWith("worker-")).toList()) {
          if (Files.readString(log).contains(line)) {
            return;
          }
        }
      }
      assertThat(System.nanoTime()).as("a worker's log saying: " + line).isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  @Test
  void nydusImageMadeOutsideTheServiceMakesNoJob() throws Exception {
    String repository = "systest/" + RUN + "-made-elsewhere";
    rule(repository);
    SampleImages images = new SampleImages(system, workDir);
    Path source = images.build();
    Path converted = workDir.resolve("converted");
    // converted by hand with the command line: not a digest the service pushed, and unsigned
    Commands.Result convert =
        Commands.run(
            system.repoRoot(),
            Duration.ofMinutes(5),
            "./autoconvert",
            "convert",
            "--source",
            "oci:" + source + ":" + SampleImages.LAYOUT_TAG,
            "--target",
            "oci:" + converted + ":nydus");
    assertThat(convert.exitCode()).as("./autoconvert convert: %s", convert.output()).isZero();
    double before = system.ruleServiceMetric(PUSH_EVENTS_METRIC, NYDUS_IMAGE);

    images.push(converted, "nydus", repository, "v1");

    system.awaitRuleServiceMetricAbove(PUSH_EVENTS_METRIC, NYDUS_IMAGE, before, CONVERSION_ENDS);
    system.holdsFor(NOTHING_MORE, repository, List::isEmpty);
  }

  @Test
  void reconcilingANewRuleConvertsATagPushedBeforeIt() throws Exception {
    String repository = "systest/" + RUN + "-backfill";
    String sentinel = "systest/" + RUN + "-backfill-sentinel";
    SampleImages images = new SampleImages(system, workDir);
    rule(sentinel);
    images.push(repository, "v1");
    // notifications arrive in push order: once the later push has its job, the earlier one was
    // handled (and made none, no rule matching it yet), so the rule below can only backfill it
    images.push(sentinel, "v1");
    system.awaitConversions(sentinel, CONVERSION_ENDS, "job", jobs -> !jobs.isEmpty());
    String ruleId = rule(repository);

    RunningSystem.Response report = system.api("POST", "/rules/" + ruleId + "/reconcile", null);
    assertThat(report.status()).as("reconcile: %s", report.body()).isEqualTo(200);
    assertThat(report.json().path("opened").size()).as("opened in %s", report.body()).isEqualTo(1);
    JsonNode job =
        system
            .awaitConversions(
                repository,
                CONVERSION_ENDS,
                "finished conversion",
                jobs -> !jobs.isEmpty() && isTerminal(jobs.get(0).path("status").asString()))
            .get(0);
    assertThat(job.path("status").asString()).as("job %s", job).isEqualTo("SUCCEEDED");
    assertThat(system.registryManifest(repository, "v1-nydus").status()).isEqualTo(200);

    RunningSystem.Response again = system.api("POST", "/rules/" + ruleId + "/reconcile", null);
    assertThat(again.json().path("opened").size()).as("second run: %s", again.body()).isZero();
    assertThat(again.json().path("upToDate").asInt())
        .as("second run: %s", again.body())
        .isEqualTo(1);
  }

  private static boolean isTerminal(String status) {
    return List.of("SUCCEEDED", "FAILED", "SKIPPED", "SUPERSEDED").contains(status);
  }

  /** The manifest itself, or the first platform's when the copy is an index. */
  private static JsonNode singlePlatform(JsonNode manifest) throws Exception {
    if (!manifest.has("manifests")) {
      return manifest;
    }
    String child = manifest.path("manifests").path(0).path("digest").asString();
    RunningSystem.Response response = system.registryManifest(REPOSITORY, child);
    assertThat(response.status()).as("GET manifest %s", child).isEqualTo(200);
    return response.json();
  }
}
