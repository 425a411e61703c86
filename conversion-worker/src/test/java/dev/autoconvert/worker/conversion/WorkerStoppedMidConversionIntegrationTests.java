package dev.autoconvert.worker.conversion;

import static org.assertj.core.api.Assertions.assertThat;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker asked to stop (SIGTERM, as Kubernetes scales down or rolls out) in the middle of a
 * conversion hands it over: it queues the next attempt, says so in the job's status, cleans its
 * scratch space and exits, and the next worker finishes the job as that attempt.
 */
class WorkerStoppedMidConversionIntegrationTests {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  @TempDir Path dir;

  @Test
  void aStoppedWorkerHandsItsConversionToTheNextWorker() throws Exception {
    assumeTrue(
        WorkerProcess.jarBuilt(),
        "needs the worker jar from mvn package: " + WorkerProcess.JAR.toAbsolutePath());
    String run = UUID.randomUUID().toString().substring(0, 8);
    Path scratch = dir.resolve("scratch");
    try (LocalRegistry registry = LocalRegistry.start();
        KafkaTestSupport kafka = new KafkaTestSupport(WorkerTestProperties.status("stop", run))) {
      ConversionFixture images = new ConversionFixture(registry);
      Random random = new Random(7);
      List<byte[]> layers = new ArrayList<>();
      layers.add(new TarBuilder().file("etc/motd", "small first layer\n").build());
      // large enough that the conversion is still under way when the stop arrives
      for (int i = 0; i < 3; i++) {
        byte[] noise = new byte[32 * 1024 * 1024];
        random.nextBytes(noise);
        layers.add(new TarBuilder().file("data/noise-" + i, noise, 0644).build());
      }
      String digest = images.push("stop/app", "v1", layers);
      ConversionRequest request =
          images.request("stop/app", "v1", digest, 1, ConversionOptions.defaults());
      kafka.send(WorkerTestProperties.requests("stop", run), request.key(), request);

      WorkerProcess first =
          WorkerProcess.start(
              registry, "stop", run, "first-worker", scratch, dir.resolve("first.log"));
      kafka.await(
          request.jobId(),
          TIMEOUT,
          u -> u.progress() != null && u.progress().layersDone() >= 1,
          "progress of the first layer");
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
      assertThat(images.store("stop/app").findManifest("v1-nydus")).isEmpty();
      try (Stream<Path> left = Files.walk(scratch)) {
        assertThat(left.filter(Files::isRegularFile)).as("scratch files left").isEmpty();
      }

      try (WorkerProcess second =
          WorkerProcess.start(
              registry, "stop", run, "second-worker", scratch, dir.resolve("second.log"))) {
        List<ConversionStatus> updates = kafka.awaitTerminal(request.jobId(), TIMEOUT);
        ConversionStatus done = updates.get(updates.size() - 1);
        assertThat(done.status()).as(updates.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.attempt()).isEqualTo(2);
        assertThat(done.workerId()).isEqualTo("second-worker");
        assertThat(images.digest("stop/app", "v1-nydus")).isEqualTo(done.targetDigest());
        assertThat(images.check("stop/app", "v1")).startsWith("exit 0");
        // the first worker's request was acknowledged: attempt 1 never ran again
        assertThat(updates.subList(stopped.size(), updates.size()))
            .allMatch(u -> u.attempt() == 2 && u.workerId().equals("second-worker"));
      }
    }
  }
}
