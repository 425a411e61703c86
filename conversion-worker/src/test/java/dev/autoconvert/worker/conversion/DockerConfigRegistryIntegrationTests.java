package dev.autoconvert.worker.conversion;

import dev.autoconvert.testsupport.registry.LocalRegistry;
import dev.autoconvert.worker.testing.WorkerTestProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The worker against a registry with basic authentication whose credentials it has only from a
 * Docker config file ({@code AUTOCONVERT_WORKER_DOCKER_CONFIG}), as a mounted Kubernetes {@code
 * dockerconfigjson} secret gives them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class DockerConfigRegistryIntegrationTests extends AuthenticatedRegistryChecks {
  private static Setup setup;
  private static Path config;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry properties) throws IOException {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String password = "s3cret-" + run;
    setup =
        Setup.start(
            LocalRegistry.builder().basicAuth(USER, password).start(), "docker-config", run);
    String auth =
        Base64.getEncoder()
            .encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8));
    config = Files.createTempFile("docker-config-", ".json");
    Files.writeString(
        config, "{\"auths\":{\"" + setup.registry().host() + "\":{\"auth\":\"" + auth + "\"}}}");
    WorkerTestProperties.register(properties, setup.registry(), "docker-config", run, false);
    properties.add("autoconvert.worker.docker-config", config::toString);
  }

  @AfterAll
  static void stop() throws IOException {
    setup.close();
    Files.deleteIfExists(config);
  }

  @Override
  Setup setup() {
    return setup;
  }
}
