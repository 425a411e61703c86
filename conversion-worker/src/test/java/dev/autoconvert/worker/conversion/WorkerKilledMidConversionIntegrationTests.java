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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN.md invariant 4 with real processes: the worker jar is killed with SIGKILL in the middle of
 * a conversion; the target tag is not there (never partial); the restarted worker gets the
 * unacknowledged request again, finishes it, and has reclaimed the dead one's scratch files.
 */
class WorkerKilledMidConversionIntegrationTests {
  private static final Path JAR = Path.of("target/conversion-worker.jar");
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  @TempDir Path dir;

  @Test
  void killedWorkerLeavesNoPartialTagAndTheRequestStillSucceeds() throws Exception {
    assumeTrue(
        Files.isRegularFile(JAR), "needs the worker jar from mvn package: " + JAR.toAbsolutePath());
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

      Process first = startWorker(registry, run, scratch, dir.resolve("first.log"));
      try {
        kafka.await(
            request.jobId(),
            TIMEOUT,
            u -> u.progress() != null && u.progress().layersDone() >= 1,
            "progress of the first layer");
      } finally {
        first.destroyForcibly().waitFor();
      }
      assertThat(kafka.updates(request.jobId()))
          .noneMatch(u -> u.status().terminal() || u.targetDigest() != null);
      assertThat(images.store("kill/app").findManifest("v1-nydus")).isEmpty();

      Process second = startWorker(registry, run, scratch, dir.resolve("second.log"));
      try {
        List<ConversionStatus> updates = kafka.awaitTerminal(request.jobId(), TIMEOUT);
        ConversionStatus done = updates.get(updates.size() - 1);
        assertThat(done.status()).as(updates.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(images.digest("kill/app", "v1-nydus")).isEqualTo(done.targetDigest());
        assertThat(images.check("kill/app", "v1")).startsWith("exit 0");
        try (Stream<Path> left = Files.walk(scratch)) {
          assertThat(left.filter(Files::isRegularFile)).as("scratch files left").isEmpty();
        }
      } finally {
        second.destroy();
        second.waitFor();
      }
    }
  }

  private static Process startWorker(LocalRegistry registry, String run, Path scratch, Path log)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                // start faster: this test starts the worker twice
                "-XX:TieredStopAtLevel=1",
                "-jar",
                JAR.toString(),
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + KafkaTestSupport.bootstrapServers(),
                "--spring.kafka.consumer.group-id=it-kill-" + run,
                // the dead member's partitions go to the restarted one after this
                "--spring.kafka.consumer.properties.session.timeout.ms=6000",
                "--spring.kafka.consumer.properties.heartbeat.interval.ms=1000",
                "--autoconvert.worker.requests-topic=" + WorkerTestProperties.requests("kill", run),
                "--autoconvert.worker.status-topic=" + WorkerTestProperties.status("kill", run),
                "--autoconvert.worker.registries[0].host=" + registry.host(),
                "--autoconvert.worker.registries[0].plain-http=true",
                "--autoconvert.worker.scratch-dir=" + scratch,
                "--autoconvert.worker.id=kill-worker"));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }
}
