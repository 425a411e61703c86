package dev.autoconvert.worker.conversion;

import dev.autoconvert.testsupport.registry.LocalRegistry;
import dev.autoconvert.testsupport.registry.TestCertificates;
import dev.autoconvert.worker.testing.WorkerTestProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
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

  @Override
  Setup setup() {
    return setup;
  }
}
