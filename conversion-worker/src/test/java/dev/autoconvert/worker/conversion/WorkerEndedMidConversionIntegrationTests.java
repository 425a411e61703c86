package dev.autoconvert.worker.conversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.autoconvert.contracts.ConversionOptions;
import dev.autoconvert.contracts.ConversionRequest;
import dev.autoconvert.contracts.ConversionStatus;
import dev.autoconvert.contracts.FailureCode;
import dev.autoconvert.contracts.JobStatus;
import dev.autoconvert.testsupport.registry.LocalRegistry;
import dev.autoconvert.testsupport.registry.TarBuilder;
import dev.autoconvert.worker.testing.ConversionFixture;
import dev.autoconvert.worker.testing.KafkaTestSupport;
import dev.autoconvert.worker.testing.WorkerProcess;
import dev.autoconvert.worker.testing.WorkerTestProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker jar ended in the middle of a conversion, with real processes. Killed (SIGKILL,
 * DESIGN.md invariant 4): the target tag is not there (never partial), and the restarted worker
 * gets the unacknowledged request again, finishes it, and reclaims the dead one's scratch files.
 * Stopped (SIGTERM, as Kubernetes scales down or rolls out): it hands the conversion over, queueing
 * the next attempt and saying so in the job's status, cleans its scratch space and exits; the next
 * worker finishes the job as that attempt.
 */
class WorkerEndedMidConversionIntegrationTests {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final String REPOSITORY = "midway/app";

  @TempDir Path dir;
  private Path scratch;

  @BeforeEach
  void needsTheJar() {
    assumeTrue(
        WorkerProcess.jarBuilt(),
        "needs the worker jar from mvn package: " + WorkerProcess.JAR.toAbsolutePath());
    scratch = dir.resolve("scratch");
  }

  @Test
  void killedWorkerLeavesNoPartialTagAndTheRequestStillSucceeds() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    try (LocalRegistry registry = LocalRegistry.start();
        KafkaTestSupport kafka = new KafkaTestSupport(WorkerTestProperties.status("kill", run))) {
      ConversionFixture images = new ConversionFixture(registry);
      ConversionRequest request = requestLargeConversion(images, kafka, "kill", run, 8);
      WorkerProcess first = startWorker(registry, "kill", run, "kill-worker", "first.log");
      try {
        awaitFirstLayer(kafka, request);
      } finally {
        first.kill();
      }
      assertThat(kafka.updates(request.jobId()))
          .noneMatch(u -> u.status().terminal() || u.targetDigest() != null);
      assertThat(images.store(REPOSITORY).findManifest("v1-nydus")).isEmpty();

      try (WorkerProcess second = startWorker(registry, "kill", run, "kill-worker", "second.log")) {
        assertFinished(images, kafka.awaitTerminal(request.jobId(), TIMEOUT));
      }
    }
  }

  @Test
  void aStoppedWorkerHandsItsConversionToTheNextWorker() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    try (LocalRegistry registry = LocalRegistry.start();
        KafkaTestSupport kafka = new KafkaTestSupport(WorkerTestProperties.status("stop", run))) {
      ConversionFixture images = new ConversionFixture(registry);
      // large enough that the conversion is still under way when the stop arrives
      ConversionRequest request = requestLargeConversion(images, kafka, "stop", run, 32);
      WorkerProcess first = startWorker(registry, "stop", run, "first-worker", "first.log");
      awaitFirstLayer(kafka, request);
      first.close();

      List<ConversionStatus> stopped = kafka.updates(request.jobId());
      ConversionStatus handOver = stopped.get(stopped.size() - 1);
      assertThat(handOver.status()).as(stopped.toString()).isEqualTo(JobStatus.RETRYING);
      assertThat(handOver.failureCode()).isEqualTo(FailureCode.WORKER_STOPPED);
      assertThat(handOver.attempt()).isEqualTo(1);
      assertThat(handOver.reason())
          .isEqualTo(
              "worker first-worker stopped during attempt 1; attempt 2 is queued for another"
                  + " worker");
      assertThat(stopped).noneMatch(u -> u.status().terminal() || u.targetDigest() != null);
      assertThat(images.store(REPOSITORY).findManifest("v1-nydus")).isEmpty();
      assertNoScratchFiles();

      try (WorkerProcess second =
          startWorker(registry, "stop", run, "second-worker", "second.log")) {
        List<ConversionStatus> updates = kafka.awaitTerminal(request.jobId(), TIMEOUT);
        assertFinished(images, updates);
        // the first worker's request was acknowledged: attempt 1 never ran again
        assertThat(updates.subList(stopped.size(), updates.size()))
            .allMatch(u -> u.attempt() == 2 && u.workerId().equals("second-worker"));
        // what the first worker converted before it stopped was not converted again
        assertThat(updates.get(updates.size() - 1).result().layersFromCache()).isPositive();
      }
    }
  }

  /**
   * Stopped while it waits to retry a transient failure: it does not sit out the wait, it hands the
   * request over at once, and the hand-over is the job's news (rule-service records it, see
   * Progression).
   */
  @Test
  void aWorkerStoppedWhileWaitingToRetryHandsTheRequestOver() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    try (LocalRegistry registry = LocalRegistry.start();
        KafkaTestSupport kafka = new KafkaTestSupport(WorkerTestProperties.status("wait", run))) {
      ConversionFixture images = new ConversionFixture(registry);
      ConversionRequest request = requestLargeConversion(images, kafka, "wait", run, 1);
      registry.stopProcess();
      WorkerProcess first =
          WorkerProcess.start(
              registry,
              "wait",
              run,
              "first-worker",
              scratch,
              dir.resolve("first.log"),
              "--autoconvert.worker.retry.initial-backoff=10m",
              "--autoconvert.worker.retry.max-backoff=10m");
      kafka.await(
          request.jobId(),
          TIMEOUT,
          u -> u.failureCode() == FailureCode.REGISTRY_UNAVAILABLE,
          "a retry of the unreachable registry");
      long stopping = System.nanoTime();
      first.close();
      assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(60));

      List<ConversionStatus> stopped = kafka.updates(request.jobId());
      assertThat(stopped)
          .extracting(ConversionStatus::status, ConversionStatus::failureCode)
          .containsExactly(
              tuple(JobStatus.RUNNING, null),
              tuple(JobStatus.RETRYING, FailureCode.REGISTRY_UNAVAILABLE),
              tuple(JobStatus.RETRYING, FailureCode.WORKER_STOPPED));
      assertThat(stopped.get(2).reason())
          .isEqualTo(
              "worker first-worker stopped during attempt 1; attempt 2 is queued for another"
                  + " worker");

      registry.startProcess();
      try (WorkerProcess second =
          startWorker(registry, "wait", run, "second-worker", "second.log")) {
        List<ConversionStatus> updates = kafka.awaitTerminal(request.jobId(), TIMEOUT);
        assertFinished(images, updates);
        assertThat(updates.subList(stopped.size(), updates.size()))
            .allMatch(u -> u.attempt() == 2 && u.workerId().equals("second-worker"));
      }
    }
  }

  /** Pushes a small layer and three of {@code noiseMiB} random bytes, and requests a conversion. */
  private static ConversionRequest requestLargeConversion(
      ConversionFixture images, KafkaTestSupport kafka, String name, String run, int noiseMiB)
      throws IOException {
    Random random = new Random(42);
    List<byte[]> layers = new ArrayList<>();
    layers.add(new TarBuilder().file("etc/motd", "small first layer\n").build());
    for (int i = 0; i < 3; i++) {
      byte[] noise = new byte[noiseMiB * 1024 * 1024];
      random.nextBytes(noise);
      layers.add(new TarBuilder().file("data/noise-" + i, noise, 0644).build());
    }
    String digest = images.push(REPOSITORY, "v1", layers);
    ConversionRequest request =
        images.request(REPOSITORY, "v1", digest, 1, ConversionOptions.defaults());
    kafka.send(WorkerTestProperties.requests(name, run), request.key(), request);
    return request;
  }

  private WorkerProcess startWorker(
      LocalRegistry registry, String name, String run, String id, String log) throws IOException {
    return WorkerProcess.start(registry, name, run, id, scratch, dir.resolve(log));
  }

  private static void awaitFirstLayer(KafkaTestSupport kafka, ConversionRequest request) {
    kafka.await(
        request.jobId(),
        TIMEOUT,
        u -> u.progress() != null && u.progress().layersDone() >= 1,
        "progress of the first layer");
  }

  /** The job SUCCEEDED, its copy is the one reported and checks, and no scratch file is left. */
  private void assertFinished(ConversionFixture images, List<ConversionStatus> updates)
      throws IOException {
    ConversionStatus done = updates.get(updates.size() - 1);
    assertThat(done.status()).as(updates.toString()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(images.digest(REPOSITORY, "v1-nydus")).isEqualTo(done.targetDigest());
    assertThat(images.check(REPOSITORY, "v1")).startsWith("exit 0");
    assertNoScratchFiles();
  }

  private void assertNoScratchFiles() throws IOException {
    try (Stream<Path> left = Files.walk(scratch)) {
      assertThat(left.filter(Files::isRegularFile)).as("scratch files left").isEmpty();
    }
  }
}
