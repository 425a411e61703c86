package dev.autoconvert.worker.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.testsupport.registry.LocalRegistry;
import dev.autoconvert.testsupport.registry.TestCertificates;
import dev.autoconvert.worker.testing.WorkerTestProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The worker against a registry serving HTTPS with a certificate a private CA signed, asking for
 * client certificates (mutual TLS), and with basic authentication: the worker trusts the CA of
 * {@code AUTOCONVERT_WORKER_CA_CERTIFICATES} and presents the client certificate of the registry's
 * directory in {@code AUTOCONVERT_WORKER_CERTS_DIRECTORY}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class TlsRegistryIntegrationTests extends AuthenticatedRegistryChecks {
  private static Setup setup;
  private static Path certificates;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry properties) throws IOException {
    String run = UUID.randomUUID().toString().substring(0, 8);
    certificates = Files.createTempDirectory("tls-registry-");
    setup =
        Setup.start(
            LocalRegistry.builder()
                .mutualTls(TestCertificates.create(certificates))
                .basicAuth(USER, "s3cret-" + run)
                .start(),
            "tls",
            run);
    WorkerTestProperties.register(properties, setup.registry(), "tls", run);
  }

  @AfterAll
  static void stop() throws IOException {
    setup.close();
    try (Stream<Path> files = Files.walk(certificates)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Autowired MeterRegistry meters;

  @Override
  Setup setup() {
    return setup;
  }

  /** What the alert AutoconvertRegistryCertificateExpiring reads. */
  @Test
  void theExpiryOfTheClientCertificateAndTheCaIsMeasured() {
    String host = setup.registry().host();
    Gauge client =
        meters
            .find("autoconvert.registry.certificate.expiry.timestamp")
            .tags("registry", host, "kind", "client")
            .gauge();
    Gauge ca =
        meters
            .find("autoconvert.registry.certificate.expiry.timestamp")
            .tags("registry", "*", "kind", "ca", "file", setup.registry().tls().ca().toString())
            .gauge();

    assertThat(client).as("the client certificate in certs.d/%s", host).isNotNull();
    assertThat(ca).isNotNull();
    long now = Instant.now().getEpochSecond();
    // the test certificates are valid for two days
    assertThat(client.value()).isBetween(now + 3600.0, now + 3 * 86400.0);
    assertThat(ca.value()).isGreaterThan(now);
  }
}
