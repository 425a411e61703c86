package dev.autoconvert.worker.conversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.autoconvert.contracts.ConversionOptions;
import dev.autoconvert.contracts.ConversionRequest;
import dev.autoconvert.contracts.JobStatus;
import dev.autoconvert.testsupport.registry.LocalRegistry;
import dev.autoconvert.testsupport.registry.TarBuilder;
import dev.autoconvert.worker.testing.ConversionFixture;
import dev.autoconvert.worker.testing.KafkaTestSupport;
import dev.autoconvert.worker.testing.WorkerProcess;
import dev.autoconvert.worker.testing.WorkerTestProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prints conversions per minute with one and with two worker processes (one conversion at a time
 * each), on distinct images so that the layer cache does not help. Opt-in: set {@code
 * AUTOCONVERT_BENCH_THROUGHPUT=1}.
 */
class ConversionThroughputIntegrationTests {
  private static final int IMAGES = 6;
  private static final int RANDOM_BYTES = 8 * 1024 * 1024;
  private static final Duration TIMEOUT = Duration.ofMinutes(10);

  @TempDir Path dir;

  @Test
  void printsConversionsPerMinuteWithOneAndTwoWorkers() throws Exception {
    assumeTrue(
        System.getenv("AUTOCONVERT_BENCH_THROUGHPUT") != null,
        "set AUTOCONVERT_BENCH_THROUGHPUT=1 to run");
    assumeTrue(WorkerProcess.jarBuilt(), "needs target/conversion-worker.jar");
    try (LocalRegistry registry = LocalRegistry.start()) {
      ConversionFixture images = new ConversionFixture(registry);
      Random random = new Random(7);
      List<String> digests = new ArrayList<>();
      for (int i = 0; i < 2 * IMAGES; i++) {
        byte[] noise = new byte[RANDOM_BYTES];
        random.nextBytes(noise);
        List<byte[]> layers = new ArrayList<>(ConversionFixture.threeLayers("bench-" + i));
        layers.add(new TarBuilder().file("data/noise", noise, 0644).build());
        digests.add(images.push("bench/app" + i, "v1", layers));
      }
      for (int workers = 1; workers <= 2; workers++) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<WorkerProcess> started = new ArrayList<>();
        try (KafkaTestSupport kafka =
            new KafkaTestSupport(WorkerTestProperties.status("tp", run))) {
          for (int w = 0; w < workers; w++) {
            Path log = dir.resolve("worker-" + run + "-" + w + ".log");
            started.add(
                WorkerProcess.start(
                    registry,
                    "tp",
                    run,
                    "tp-" + w,
                    dir.resolve("scratch"),
                    log,
                    "--autoconvert.worker.concurrency=1"));
            WorkerProcess.awaitPartitions(log, Duration.ofMinutes(3));
          }
          // the first images were converted by the one-worker round; use the others now
          List<ConversionRequest> requests = new ArrayList<>();
          for (int i = 0; i < IMAGES; i++) {
            int image = (workers - 1) * IMAGES + i;
            requests.add(
                images.request(
                    "bench/app" + image,
                    "v1",
                    digests.get(image),
                    1,
                    ConversionOptions.defaults()));
          }
          long start = System.nanoTime();
          for (ConversionRequest r : requests) {
            kafka.send(WorkerTestProperties.requests("tp", run), r.key(), r);
          }
          for (ConversionRequest r : requests) {
            List<dev.autoconvert.contracts.ConversionStatus> u =
                kafka.awaitTerminal(r.jobId(), TIMEOUT);
            assertThat(u.get(u.size() - 1).status()).isEqualTo(JobStatus.SUCCEEDED);
          }
          double minutes = (System.nanoTime() - start) / 60e9;
          System.out.printf(
              "BENCH %d worker process(es): %d conversions in %.1f s = %.1f conversions/minute%n",
              workers, IMAGES, minutes * 60, IMAGES / minutes);
        } finally {
          for (WorkerProcess p : started) {
            p.close();
          }
        }
      }
    }
  }
}
