package dev.autoconvert.worker.conversion;

import dev.autoconvert.testsupport.registry.LocalRegistry;
import dev.autoconvert.worker.testing.WorkerTestProperties;
import java.io.IOException;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The worker against a registry with token authentication. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class TokenAuthRegistryIntegrationTests extends AuthenticatedRegistryChecks {
  private static Setup setup;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry properties) throws IOException {
    String run = UUID.randomUUID().toString().substring(0, 8);
    setup =
        Setup.start(LocalRegistry.builder().tokenAuth(USER, "s3cret-" + run).start(), "token", run);
    WorkerTestProperties.register(properties, setup.registry(), "token", run);
  }

  @AfterAll
  static void stop() throws IOException {
    setup.close();
  }

  @Override
  Setup setup() {
    return setup;
  }
}
