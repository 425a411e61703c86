package dev.autoconvert.worker.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.contracts.ConversionOptions;
import dev.autoconvert.contracts.ConversionRequest;
import dev.autoconvert.contracts.ConversionStatus;
import dev.autoconvert.contracts.JobStatus;
import dev.autoconvert.testsupport.registry.LocalRegistry;
import dev.autoconvert.worker.testing.ConversionFixture;
import dev.autoconvert.worker.testing.KafkaTestSupport;
import dev.autoconvert.worker.testing.WorkerTestProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Prints request-to-SUCCEEDED latency split into queue, pull, convert and push for a realistic
 * layer, cold and from the layer cache. Opt-in: set {@code AUTOCONVERT_BENCH_LAYER_TAR} to an
 * uncompressed layer tar (e.g. a debootstrap minbase root filesystem, see RECIPES.md §4).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@EnabledIfEnvironmentVariable(named = "AUTOCONVERT_BENCH_LAYER_TAR", matches = ".+")
class ConversionLatencyIntegrationTests {
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String LAYER = System.getenv("AUTOCONVERT_BENCH_LAYER_TAR");
  private static LocalRegistry registry;
  private static KafkaTestSupport kafka;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry properties) throws IOException {
    registry = LocalRegistry.start();
    kafka = new KafkaTestSupport(WorkerTestProperties.status("latency", RUN));
    WorkerTestProperties.register(properties, registry, "latency", RUN);
  }

  @AfterAll
  static void stop() throws IOException {
    kafka.close();
    registry.close();
  }

  @Test
  void printsLatencyOfAColdAndACachedConversion() throws IOException {
    ConversionFixture images = new ConversionFixture(registry);
    byte[] tar = Files.readAllBytes(Path.of(LAYER));
    for (String repository : List.of("bench/cold", "bench/cached")) {
      String digest = images.push(repository, "v1", List.of(tar));
      ConversionRequest request =
          images.request(repository, "v1", digest, 1, ConversionOptions.defaults());
      long start = System.nanoTime();
      kafka.send(WorkerTestProperties.requests("latency", RUN), request.key(), request);
      List<ConversionStatus> updates = kafka.awaitTerminal(request.jobId(), Duration.ofMinutes(10));
      long millis = (System.nanoTime() - start) / 1_000_000;
      ConversionStatus done = updates.get(updates.size() - 1);
      assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
      System.out.printf(
          "BENCH %s: %d ms request to SUCCEEDED, phases %s, %d -> %d bytes, %d converted, %d cached%n",
          repository,
          millis,
          done.result().phaseMillis(),
          done.result().sourceSize(),
          done.result().targetSize(),
          done.result().layersConverted(),
          done.result().layersFromCache());
    }
  }
}
