package dev.autoconvert.rules.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.oci.Digest;
import dev.autoconvert.oci.ImageReference;
import dev.autoconvert.oci.manifest.RawManifest;
import dev.autoconvert.oci.registry.RegistryClient;
import dev.autoconvert.oci.registry.RegistryConfig;
import dev.autoconvert.oci.registry.RegistryTls;
import dev.autoconvert.testsupport.registry.LocalRegistry;
import dev.autoconvert.testsupport.registry.OciLayout;
import dev.autoconvert.testsupport.registry.TarBuilder;
import dev.autoconvert.testsupport.registry.TestCertificates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rule-service's reads from registries that want credentials it has only in a Docker config, or
 * whose certificate a private CA signed.
 */
class RegistriesIntegrationTests {
  private static final String USER = "rules-reader";
  private static final String PASSWORD = "rules-Pa55";

  @TempDir Path dir;

  @Test
  void manifestsAreReadWithTheDockerConfigsCredentials() throws IOException {
    try (LocalRegistry registry = LocalRegistry.builder().basicAuth(USER, PASSWORD).start()) {
      Path layout = dir.resolve("layout");
      OciLayout.create(layout)
          .image("v1", "amd64", List.of(new TarBuilder().file("etc/motd", "hi\n").build()));
      registry.pushFromLayout(layout, "v1", "team/app:v1");
      String digest =
          Digest.of(
                  RegistryClient.builder()
                      .registry(
                          RegistryConfig.plainHttp(registry.host()).withCredentials(USER, PASSWORD))
                      .build()
                      .pullManifest(ImageReference.parse(registry.host() + "/team/app:v1"))
                      .bytes())
              .toString();
      String auth =
          Base64.getEncoder()
              .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
      Path config =
          Files.writeString(
              dir.resolve("config.json"),
              "{\"auths\":{\"" + registry.host() + "\":{\"auth\":\"" + auth + "\"}}}");

      Optional<RawManifest> anonymous =
          RegistriesTests.registries(
                  RegistriesTests.reading(registry.host(), Duration.ofSeconds(5), null))
              .manifest(registry.host(), "team/app", digest);
      Optional<RawManifest> signedIn =
          RegistriesTests.registries(
                  RegistriesTests.reading(registry.host(), Duration.ofSeconds(5), config))
              .manifest(registry.host(), "team/app", digest);

      assertThat(anonymous).as("401 without credentials").isEmpty();
      assertThat(signedIn).isPresent();
      assertThat(Digest.of(signedIn.get().bytes()).toString()).isEqualTo(digest);
    }
  }

  @Test
  void aRegistryWithAPrivateCaAndClientCertificatesIsReadOnceBothAreConfigured()
      throws IOException {
    TestCertificates certificates = TestCertificates.create(dir.resolve("certs"));
    try (LocalRegistry registry = LocalRegistry.builder().mutualTls(certificates).start()) {
      Path layout = dir.resolve("layout");
      OciLayout.create(layout)
          .image("v1", "amd64", List.of(new TarBuilder().file("etc/motd", "hi\n").build()));
      registry.pushFromLayout(layout, "v1", "team/app:v1");
      RegistryClient trusting =
          RegistryClient.builder()
              .registry(RegistryConfig.https(registry.host()))
              .tls(RegistryTls.load(certificates.ca(), registry.clientCertsDirectory()))
              .build();
      String digest =
          Digest.of(
                  trusting
                      .pullManifest(ImageReference.parse(registry.host() + "/team/app:v1"))
                      .bytes())
              .toString();

      Optional<RawManifest> untrusted = read(registry, digest, null, null);
      Optional<RawManifest> withoutClientCertificate =
          read(registry, digest, certificates.ca(), null);
      Optional<RawManifest> configured =
          read(registry, digest, certificates.ca(), registry.clientCertsDirectory());

      assertThat(untrusted).as("the certificate is not trusted").isEmpty();
      assertThat(withoutClientCertificate).as("no client certificate").isEmpty();
      assertThat(configured).isPresent();
    }
  }

  private static Optional<RawManifest> read(
      LocalRegistry registry, String digest, Path caCertificates, Path certsDirectory)
      throws IOException {
    return RegistriesTests.registries(
            RegistriesTests.reading(
                registry.host(),
                false,
                Duration.ofSeconds(5),
                null,
                caCertificates,
                certsDirectory))
        .manifest(registry.host(), "team/app", digest);
  }
}
