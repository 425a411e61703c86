package dev.autoconvert.worker.conversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.autoconvert.contracts.ConversionOptions;
import dev.autoconvert.contracts.ConversionRequest;
import dev.autoconvert.contracts.ConversionStatus;
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
 * DESIGN.md invariant 4 with real processes: the worker jar is killed with SIGKILL in the middle of
 * a conversion; the target tag is not there (never partial); the restarted worker gets the
 * unacknowledged request again, finishes it, and has reclaimed the dead one's scratch files.
 */
class WorkerKilledMidConversionIntegrationTests {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  @TempDir Path dir;

  @Test
  void killedWorkerLeavesNoPartialTagAndTheRequestStillSucceeds() throws Exception {
    assumeTrue(
        WorkerProcess.jarBuilt(),
        "needs the worker jar from mvn package: " + WorkerProcess.JAR.toAbsolutePath());
    String run = UUID.randomUUID().toString().substring(0, 8);
    Path scratch = dir.resolve("scratch");
    try (LocalRegistry registry = LocalRegistry.start();
        KafkaTestSupport kafka = new KafkaTestSupport(WorkerTestProperties.status("kill", run))) {
      ConversionFixture images = new ConversionFixture(registry);
      Random random = new Random(42);
      List<byte[]> layers = new ArrayList<>();
      layers.add(new TarBuilder().file("etc/motd", "small first layer\n").build());
      for (int i = 0; i < 3; i++) {
        byte[] noise = new byte[8 * 1024 * 1024];
        random.nextBytes(noise);
        layers.add(new TarBuilder().file("data/noise-" + i, noise, 0644).build());
      }
      String digest = images.push("kill/app", "v1", layers);
      ConversionRequest request =
          images.request("kill/app", "v1", digest, 1, ConversionOptions.defaults());
      kafka.send(WorkerTestProperties.requests("kill", run), request.key(), request);

      WorkerProcess first =
          WorkerProcess.start(
              registry, "kill", run, "kill-worker", scratch, dir.resolve("first.log"));
      try {
        kafka.await(
            request.jobId(),
            TIMEOUT,
            u -> u.progress() != null && u.progress().layersDone() >= 1,
            "progress of the first layer");
      } finally {
        first.kill();
      }
      assertThat(kafka.updates(request.jobId()))
          .noneMatch(u -> u.status().terminal() || u.targetDigest() != null);
      assertThat(images.store("kill/app").findManifest("v1-nydus")).isEmpty();

      try (WorkerProcess second =
          WorkerProcess.start(
              registry, "kill", run, "kill-worker", scratch, dir.resolve("second.log"))) {
        List<ConversionStatus> updates = kafka.awaitTerminal(request.jobId(), TIMEOUT);
        ConversionStatus done = updates.get(updates.size() - 1);
        assertThat(done.status()).as(updates.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(images.digest("kill/app", "v1-nydus")).isEqualTo(done.targetDigest());
        assertThat(images.check("kill/app", "v1")).startsWith("exit 0");
        try (Stream<Path> left = Files.walk(scratch)) {
          assertThat(left.filter(Files::isRegularFile)).as("scratch files left").isEmpty();
        }
      }
    }
  }
}
