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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A registry serving HTTPS with a certificate a private CA signed. */
class TlsIntegrationTests {
  @TempDir Path dir;

  @Test
  void aPrivateCaIsRefusedUntilTrustedThenPushAndPullWork() throws IOException {
    TestCertificates certificates = TestCertificates.create(dir.resolve("certs"));
    try (LocalRegistry registry = LocalRegistry.builder().tls(certificates).start()) {
      ImageReference ref = ImageReference.parse(registry.host() + "/tls/app:v1");
      RegistryClient untrusting =
          RegistryClient.builder()
              .registry(RegistryConfig.https(registry.host()))
              .retryPolicy(RetryPolicy.NONE)
              .build();
      assertThatThrownBy(() -> untrusting.listTags(ref))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(ErrorKind.PROTOCOL);
                assertThat(e.getMessage()).contains("TLS failure");
              });

      RegistryClient trusting =
          RegistryClient.builder()
              .registry(RegistryConfig.https(registry.host()))
              .sslContext(TrustedCertificates.sslContext(certificates.ca()))
              .retryPolicy(RetryPolicy.NONE)
              .build();
      RawManifest pushed = pushImage(trusting, ref, randomBytes(1000));

      assertThat(trusting.pullManifest(ref)).isEqualTo(pushed);
    }
  }

  @Test
  void aFileWithoutCertificatesIsRefusedNamingIt() throws IOException {
    Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");

    assertThatThrownBy(() -> TrustedCertificates.sslContext(notPem))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(notPem.toString());
    assertThatThrownBy(() -> TrustedCertificates.sslContext(dir.resolve("missing.pem")))
        .isInstanceOf(IOException.class);
  }
}
