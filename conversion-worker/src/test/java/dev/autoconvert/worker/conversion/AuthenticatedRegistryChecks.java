package dev.autoconvert.worker.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.cli.store.StoredManifest;
import dev.autoconvert.contracts.ConversionOptions;
import dev.autoconvert.contracts.ConversionRequest;
import dev.autoconvert.contracts.ConversionStatus;
import dev.autoconvert.contracts.JobStatus;
import dev.autoconvert.imagespec.SourceKind;
import dev.autoconvert.testsupport.registry.LocalRegistry;
import dev.autoconvert.worker.testing.ConversionFixture;
import dev.autoconvert.worker.testing.KafkaTestSupport;
import dev.autoconvert.worker.testing.WorkerTestProperties;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every authenticated registry must allow: a conversion with the credentials of the worker's
 * configuration, which never show up in status updates. Subclasses start the registry.
 */
abstract class AuthenticatedRegistryChecks {
  static final String USER = "convert-bot";

  /** The started registry, Kafka clients and the run id of the subclass. */
  record Setup(LocalRegistry registry, KafkaTestSupport kafka, String name, String run) {
    static Setup start(LocalRegistry registry, String name, String run) {
      return new Setup(
          registry, new KafkaTestSupport(WorkerTestProperties.status(name, run)), name, run);
    }

    void close() throws IOException {
      kafka.close();
      registry.close();
    }
  }

  abstract Setup setup();

  @Test
  void conversionSucceedsWithTheConfiguredCredentials() throws IOException {
    Setup s = setup();
    ConversionFixture images = new ConversionFixture(s.registry());
    String digest = images.push("auth/app", "v1", ConversionFixture.threeLayers(s.name()));
    ConversionRequest request =
        images.request("auth/app", "v1", digest, 1, ConversionOptions.defaults());
    s.kafka().send(WorkerTestProperties.requests(s.name(), s.run()), request.key(), request);
    List<ConversionStatus> updates =
        s.kafka().awaitTerminal(request.jobId(), Duration.ofSeconds(90));
    ConversionStatus done = updates.get(updates.size() - 1);
    assertThat(done.status()).as(updates.toString()).isEqualTo(JobStatus.SUCCEEDED);
    StoredManifest nydus = images.manifest("auth/app", "v1-nydus");
    assertThat(nydus.digest()).isEqualTo(done.targetDigest());
    assertThat(SourceKind.of(nydus.mediaType(), nydus.bytes()).kind())
        .isEqualTo(SourceKind.Kind.NYDUS);
    assertThat(updates.toString()).doesNotContain(s.registry().password());
  }
}
