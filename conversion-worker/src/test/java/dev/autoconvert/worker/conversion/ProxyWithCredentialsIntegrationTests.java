package dev.autoconvert.worker.conversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.autoconvert.contracts.ConversionOptions;
import dev.autoconvert.contracts.ConversionRequest;
import dev.autoconvert.contracts.ConversionStatus;
import dev.autoconvert.contracts.JobStatus;
import dev.autoconvert.testsupport.registry.ForwardProxy;
import dev.autoconvert.testsupport.registry.LocalRegistry;
import dev.autoconvert.testsupport.registry.TestCertificates;
import dev.autoconvert.worker.testing.ConversionFixture;
import dev.autoconvert.worker.testing.KafkaTestSupport;
import dev.autoconvert.worker.testing.WorkerProcess;
import dev.autoconvert.worker.testing.WorkerTestProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker jar reaching an HTTPS registry only through a proxy that wants credentials, given as
 * operators give them ({@code HTTPS_PROXY=http://user:password@host:port}). The registry is named
 * {@code registry.test}, which only the proxy resolves; the jar's {@code main} is what lets the JDK
 * send Basic credentials in a {@code CONNECT}.
 */
class ProxyWithCredentialsIntegrationTests {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  @TempDir Path dir;

  @Test
  void theWorkerConvertsThroughAProxyThatWantsCredentials() throws Exception {
    assumeTrue(
        WorkerProcess.jarBuilt(),
        "needs the worker jar from mvn package: " + WorkerProcess.JAR.toAbsolutePath());
    String run = UUID.randomUUID().toString().substring(0, 8);
    TestCertificates certificates = TestCertificates.create(dir.resolve("certs"));
    try (LocalRegistry registry = LocalRegistry.builder().tls(certificates).start();
        KafkaTestSupport kafka = new KafkaTestSupport(WorkerTestProperties.status("proxy", run));
        ForwardProxy proxy =
            ForwardProxy.requiringCredentials(
                ForwardProxy.naming("registry.test", registry), "worker", "s3cret")) {
      ConversionFixture images = new ConversionFixture(registry);
      String digest = images.push("proxied/app", "v1", ConversionFixture.threeLayers("proxied"));
      String host = "registry.test:" + registry.port();
      ConversionRequest request =
          images.request(host, "proxied/app", "v1", digest, 1, ConversionOptions.defaults());
      kafka.send(WorkerTestProperties.requests("proxy", run), request.key(), request);

      try (WorkerProcess worker =
          WorkerProcess.start(
              registry,
              host,
              Map.of("HTTPS_PROXY", proxy.url().replace("//", "//worker:s3cret@")),
              "proxy",
              run,
              "proxied-worker",
              dir.resolve("scratch"),
              dir.resolve("worker.log"))) {
        List<ConversionStatus> updates = kafka.awaitTerminal(request.jobId(), TIMEOUT);
        ConversionStatus done = updates.get(updates.size() - 1);

        assertThat(done.status()).as(updates.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(images.digest("proxied/app", "v1-nydus")).isEqualTo(done.targetDigest());
        assertThat(proxy.refused()).isEmpty();
        assertThat(proxy.targets()).isNotEmpty().allMatch(t -> t.equals("CONNECT " + host));
      }
      assertThat(Files.readString(dir.resolve("worker.log")))
          .contains(
              "registry requests go through proxies: ProxySettings[https="
                  + proxy.url().substring("http://".length())
                  + " (as worker)")
          .doesNotContain("s3cret");
    }
  }
}
