package dev.autoconvert.oci.registry;

import static dev.autoconvert.oci.registry.RegistryClientIntegrationTests.pushImage;
import static dev.autoconvert.oci.registry.RegistryClientIntegrationTests.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoconvert.oci.ErrorKind;
import dev.autoconvert.oci.ImageReference;
import dev.autoconvert.oci.RegistryException;
import dev.autoconvert.oci.manifest.RawManifest;
import dev.autoconvert.testsupport.registry.ForwardProxy;
import dev.autoconvert.testsupport.registry.LocalRegistry;
import dev.autoconvert.testsupport.registry.TestCertificates;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registries reached through an HTTP forward proxy under the name {@code registry.test}, which only
 * the proxy resolves: a request that succeeds went through it.
 */
class ProxyIntegrationTests {
  private static final String NAME = "registry.test";

  @TempDir Path dir;

  @Test
  void aPlainHttpRegistryIsReachedThroughHttpProxyUnlessNoProxyNamesIt() throws IOException {
    try (LocalRegistry registry = LocalRegistry.start();
        ForwardProxy proxy = proxyTo(registry)) {
      String host = NAME + ":" + registry.port();
      ImageReference ref = ImageReference.parse(host + "/proxied/app:v1");

      RegistryClient proxied =
          client(RegistryConfig.of(host, true, null, null), Map.of("HTTP_PROXY", proxy.url()));
      RawManifest pushed = pushImage(proxied, ref, randomBytes(100_000));

      assertThat(proxied.pullManifest(ref)).isEqualTo(pushed);
      assertThat(proxy.targets()).isNotEmpty().allMatch(t -> t.endsWith(" " + host));
      RegistryClient direct =
          client(
              RegistryConfig.of(host, true, null, null),
              Map.of("HTTP_PROXY", proxy.url(), "NO_PROXY", "localhost,.example," + NAME));
      assertUnreachable(direct, ref);
    }
  }

  @Test
  void anHttpsRegistryIsReachedThroughAConnectTunnelOfHttpsProxy() throws IOException {
    TestCertificates certificates = TestCertificates.create(dir.resolve("certs"));
    try (LocalRegistry registry = LocalRegistry.builder().tls(certificates).start();
        ForwardProxy proxy = proxyTo(registry)) {
      String host = NAME + ":" + registry.port();
      ImageReference ref = ImageReference.parse(host + "/tunnelled/app:v1");
      RegistryClient.Builder builder = httpsClient(host, certificates);

      RegistryClient proxied = builder.proxy(httpsProxy(proxy.url())).build();
      RawManifest pushed = pushImage(proxied, ref, randomBytes(1000));

      assertThat(proxied.pullManifest(ref)).isEqualTo(pushed);
      assertThat(proxy.targets()).isNotEmpty().allMatch(t -> t.equals("CONNECT " + host));
      // HTTP_PROXY is for plain-HTTP registries only
      RegistryClient wrongVariable =
          builder
              .proxy(ProxySettings.fromEnvironment(Map.of("HTTP_PROXY", proxy.url())::get))
              .build();
      assertUnreachable(wrongVariable, ref);
    }
  }

  @Test
  void aProxyWantingCredentialsGetsThoseOfTheUrlInTheConnectOfEachTunnel() throws IOException {
    TestCertificates certificates = TestCertificates.create(dir.resolve("certs"));
    try (LocalRegistry registry = LocalRegistry.builder().tls(certificates).start();
        ForwardProxy proxy =
            ForwardProxy.requiringCredentials(
                ForwardProxy.naming(NAME, registry), "builder", "s3cr:et")) {
      String host = NAME + ":" + registry.port();
      ImageReference ref = ImageReference.parse(host + "/authenticated/app:v1");
      RegistryClient.Builder builder = httpsClient(host, certificates);
      String address = proxy.url().substring("http://".length());

      RegistryClient proxied =
          builder.proxy(httpsProxy("http://builder:s3cr%3Aet@" + address)).build();
      RawManifest pushed = pushImage(proxied, ref, randomBytes(1000));

      assertThat(proxied.pullManifest(ref)).isEqualTo(pushed);
      assertThat(proxy.refused()).isEmpty();
      assertThat(proxy.targets()).isNotEmpty().allMatch(t -> t.equals("CONNECT " + host));
      assertProxyRefusal(
          builder.proxy(httpsProxy("http://builder:wrong@" + address)).build(),
          ref,
          "the proxy " + address + " (as builder) refused the credentials given in HTTPS_PROXY");
      assertProxyRefusal(
          builder.proxy(httpsProxy(proxy.url())).build(),
          ref,
          "the proxy " + address + " wants credentials: give them in HTTPS_PROXY");
      assertThat(proxy.refused()).hasSize(2).last().isEqualTo("none");
    }
  }

  @Test
  void aPlainHttpProxyWantingCredentialsGetsThemWithEveryRequest() throws IOException {
    try (LocalRegistry registry = LocalRegistry.start();
        ForwardProxy proxy =
            ForwardProxy.requiringCredentials(
                ForwardProxy.naming(NAME, registry), "builder", "pw")) {
      String host = NAME + ":" + registry.port();
      ImageReference ref = ImageReference.parse(host + "/authenticated/plain:v1");
      String withCredentials = proxy.url().replace("http://", "http://builder:pw@");

      RegistryClient proxied =
          client(RegistryConfig.of(host, true, null, null), Map.of("HTTP_PROXY", withCredentials));
      RawManifest pushed = pushImage(proxied, ref, randomBytes(100_000));

      assertThat(proxied.pullManifest(ref)).isEqualTo(pushed);
      assertThat(proxy.refused()).isEmpty();
      assertThat(proxy.targets()).isNotEmpty().allMatch(t -> t.endsWith(" " + host));
    }
  }

  private static RegistryClient.Builder httpsClient(String host, TestCertificates certificates)
      throws IOException {
    return RegistryClient.builder()
        .registry(RegistryConfig.https(host))
        .tls(RegistryTls.load(certificates.ca(), null))
        .retryPolicy(RetryPolicy.NONE);
  }

  private static ProxySettings httpsProxy(String url) throws IOException {
    return ProxySettings.fromEnvironment(Map.of("HTTPS_PROXY", url)::get);
  }

  private static void assertProxyRefusal(RegistryClient client, ImageReference ref, String reason) {
    assertThatThrownBy(() -> client.pullManifest(ref))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.UNAUTHORIZED);
              assertThat(e.status()).isEqualTo(407);
              assertThat(e.getMessage()).contains(reason).doesNotContain("wrong");
            });
  }

  private static ForwardProxy proxyTo(LocalRegistry registry) throws IOException {
    return ForwardProxy.start(ForwardProxy.naming(NAME, registry));
  }

  private static RegistryClient client(RegistryConfig config, Map<String, String> env)
      throws IOException {
    return RegistryClient.builder()
        .registry(config)
        .proxy(ProxySettings.fromEnvironment(env::get))
        .retryPolicy(RetryPolicy.NONE)
        .build();
  }

  /** {@code registry.test} does not resolve without the proxy. */
  private static void assertUnreachable(RegistryClient client, ImageReference ref) {
    assertThatThrownBy(() -> client.pullManifest(ref))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE));
  }
}
