package dev.autoconvert.oci.registry;

import static dev.autoconvert.oci.registry.RegistryClientIntegrationTests.pushImage;
import static dev.autoconvert.oci.registry.RegistryClientIntegrationTests.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoconvert.oci.ErrorKind;
import dev.autoconvert.oci.ImageReference;
import dev.autoconvert.oci.RegistryException;
import dev.autoconvert.oci.manifest.RawManifest;
import dev.autoconvert.testsupport.registry.LocalRegistry;
import dev.autoconvert.testsupport.registry.TestCertificates;
import dev.autoconvert.testsupport.registry.TestCertificates.KeyForm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registries serving HTTPS with certificates a private CA signed, one of them asking clients for
 * certificates too (docker-registry's {@code clientcas}).
 */
class TlsIntegrationTests {
  @TempDir Path dir;

  @Test
  void aPrivateCaIsRefusedUntilTrustedThenPushAndPullWork() throws IOException {
    TestCertificates certificates = TestCertificates.create(dir.resolve("certs"));
    try (LocalRegistry registry = LocalRegistry.builder().tls(certificates).start()) {
      ImageReference ref = ImageReference.parse(registry.host() + "/tls/app:v1");
      assertTlsFailure(
          client(RegistryTls.JVM_DEFAULT, registry), ref, "private CA needs it trusted");

      RegistryClient trusting = client(RegistryTls.load(certificates.ca(), null), registry);
      RawManifest pushed = pushImage(trusting, ref, randomBytes(1000));

      assertThat(trusting.pullManifest(ref)).isEqualTo(pushed);
    }
  }

  @Test
  void aRegistryAskingForClientCertificatesIsReachedWithThoseOfItsCertsDirectory()
      throws IOException {
    TestCertificates certificates = TestCertificates.create(dir.resolve("certs"));
    try (LocalRegistry registry = LocalRegistry.builder().mutualTls(certificates).start()) {
      ImageReference ref = ImageReference.parse(registry.host() + "/mtls/app:v1");
      Path certsD = dir.resolve("certs.d");
      Path own = certsD.resolve(registry.host());
      Files.createDirectories(own);
      Files.copy(certificates.ca(), own.resolve("ca.crt"));
      // another registry's directory lends this one nothing
      certificates.clientCertificate(certsD.resolve("127.0.0.1:1"), "client", KeyForm.PKCS8_RSA);

      RegistryClient caOnly = client(RegistryTls.load(null, certsD), registry);
      assertTlsFailure(caOnly, ref, "wants a client certificate");

      certificates.clientCertificate(own, "client", KeyForm.SEC1_EC);
      RegistryClient withCertificate = client(RegistryTls.load(null, certsD), registry);
      RawManifest pushed = pushImage(withCertificate, ref, randomBytes(1000));

      assertThat(withCertificate.pullManifest(ref)).isEqualTo(pushed);
      assertThat(withCertificate.listTags(ref)).containsExactly("v1");
    }
  }

  @Test
  void clientCertificatesAddedOrReplacedWhileTheClientRunsAreUsedOnItsNextConnections()
      throws IOException {
    TestCertificates certificates = TestCertificates.create(dir.resolve("certs"));
    TestCertificates stranger = TestCertificates.create(dir.resolve("stranger"));
    try (LocalRegistry registry = LocalRegistry.builder().mutualTls(certificates).start()) {
      ImageReference ref = ImageReference.parse(registry.host() + "/rotate/app:v1");
      Path own = dir.resolve("certs.d").resolve(registry.host());
      Files.createDirectories(own);
      Files.copy(certificates.ca(), own.resolve("ca.crt"));
      RegistryClient client =
          RegistryClient.builder()
              .registry(RegistryConfig.https(registry.host()))
              .tls(RegistryTls.watch(null, own.getParent())::current)
              .retryPolicy(RetryPolicy.NONE)
              .build();
      // TLS 1.3 servers refuse client certificates after the handshake: the client sees the alert
      // or a reset connection, and the registry's log says why
      assertThatThrownBy(() -> client.listTags(ref)).isInstanceOf(RegistryException.class);
      assertThat(registry.logText()).contains("client didn't provide a certificate");

      certificates.clientCertificate(own, "client", KeyForm.PKCS8_RSA);
      RawManifest pushed = pushImage(client, ref, randomBytes(1000));
      assertThat(client.pullManifest(ref)).isEqualTo(pushed);

      // replaced by one the registry does not accept: proof that the pooled connection is not
      // kept and the new certificate is the one presented
      stranger.clientCertificate(own, "client", KeyForm.SEC1_EC);
      assertThatThrownBy(() -> client.listTags(ref)).isInstanceOf(RegistryException.class);
      assertThat(registry.logText()).contains("certificate signed by unknown authority");
    }
  }

  private static RegistryClient client(RegistryTls tls, LocalRegistry registry) {
    return RegistryClient.builder()
        .registry(RegistryConfig.https(registry.host()))
        .tls(tls)
        .retryPolicy(RetryPolicy.NONE)
        .build();
  }

  private static void assertTlsFailure(RegistryClient client, ImageReference ref, String hint) {
    assertThatThrownBy(() -> client.listTags(ref))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.PROTOCOL);
              assertThat(e.getMessage()).contains("TLS failure").contains(hint);
            });
  }
}
