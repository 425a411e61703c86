package dev.autoconvert.oci.registry;

import static dev.autoconvert.oci.registry.RegistryClientIntegrationTests.pushImage;
import static dev.autoconvert.oci.registry.RegistryClientIntegrationTests.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.imagespec.MediaTypes;
import dev.autoconvert.oci.Digest;
import dev.autoconvert.oci.ImageReference;
import dev.autoconvert.oci.manifest.Descriptor;
import dev.autoconvert.oci.manifest.RawManifest;
import dev.autoconvert.testsupport.registry.LocalRegistry;
import dev.autoconvert.testsupport.registry.OciLayout;
import dev.autoconvert.testsupport.registry.TarBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What skopeo pushes we pull, and what we push skopeo reads (with token auth on). */
class SkopeoInteropIntegrationTests {
  private static LocalRegistry registry;
  private static RegistryClient client;

  @BeforeAll
  static void startRegistry() throws IOException {
    registry = LocalRegistry.builder().tokenAuth("interop", "interop-pass").start();
    client =
        RegistryClient.builder()
            .registry(
                RegistryConfig.plainHttp(registry.host())
                    .withCredentials(registry.username(), registry.password()))
            .build();
  }

  @AfterAll
  static void stopRegistry() throws IOException {
    if (registry != null) {
      registry.close();
    }
  }

  private static byte[] layer(String arch) {
    return new TarBuilder()
        .directory("etc")
        .file("etc/arch", arch + "\n")
        .file("usr/bin/tool-" + arch, randomBytes(20_000), 0755)
        .symlink("usr/bin/tool", "tool-" + arch)
        .build();
  }

  @Test
  void multiPlatformImagePushedBySkopeoIsPulledAndVerified(@TempDir Path dir) throws IOException {
    OciLayout layout = OciLayout.create(dir.resolve("layout"));
    byte[] base = new TarBuilder().file("etc/motd", "shared base\n").build();
    OciLayout.Image amd = layout.image("amd64", List.of(base, layer("amd64")));
    OciLayout.Image arm = layout.image("arm64", List.of(base, layer("arm64")));
    layout.index("multi", List.of(amd, arm));
    registry.pushFromLayout(layout.path(), "multi", "skopeo/multi:v1");
    ImageReference ref = ImageReference.parse(registry.host() + "/skopeo/multi:v1");

    RawManifest top = client.pullManifest(ref);

    assertThat(top.isIndex()).isTrue();
    assertThat(Manifests.platforms(top)).containsExactly("linux/amd64", "linux/arm64");
    for (Descriptor entry : Manifests.manifests(top)) {
      RawManifest child = client.pullManifest(ref.withDigest(entry.digest()));
      List<Descriptor> layers = Manifests.layers(child);
      assertThat(layers).hasSize(2);
      for (Descriptor blob : layers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        client.pullBlob(ref, blob, out);
        assertThat(out.toByteArray()).isEqualTo(layout.read(blob.digest().toString()));
      }
    }
  }

  @Test
  void dockerSchema2ManifestPushedBySkopeoIsPulledWithItsType(@TempDir Path dir)
      throws IOException {
    OciLayout layout = OciLayout.create(dir.resolve("layout"));
    layout.image("single", "amd64", List.of(layer("amd64")));
    registry.skopeo(
        "copy",
        "-q",
        "--format",
        "v2s2",
        "--dest-tls-verify=false",
        "oci:" + layout.path() + ":single",
        "docker://" + registry.host() + "/skopeo/docker:v1");

    RawManifest pulled =
        client.pullManifest(ImageReference.parse(registry.host() + "/skopeo/docker:v1"));

    assertThat(pulled.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    assertThat(Manifests.layers(pulled).get(0).mediaType()).isEqualTo(MediaTypes.DOCKER_LAYER_GZIP);
  }

  @Test
  void imagePushedByUsIsReadAndCopiedBySkopeo(@TempDir Path dir) throws IOException {
    ImageReference ref = ImageReference.parse(registry.host() + "/ours/app:v1");
    RawManifest pushed =
        pushImage(client, ref, OciLayout.gzip(layer("amd64")), OciLayout.gzip(layer("x")));

    String raw = registry.skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + ref);
    String inspected = registry.skopeo("inspect", "--tls-verify=false", "docker://" + ref);
    registry.skopeo(
        "copy",
        "-q",
        "--src-tls-verify=false",
        "docker://" + ref,
        "oci:" + dir.resolve("copy") + ":v1");

    assertThat(raw.getBytes(StandardCharsets.UTF_8)).isEqualTo(pushed.bytes());
    assertThat(inspected).contains("\"Digest\": \"" + pushed.digest() + "\"");
    for (Descriptor layer : Manifests.layers(pushed)) {
      Path copied = dir.resolve("copy/blobs/sha256").resolve(layer.digest().hex());
      try (var in = Files.newInputStream(copied)) {
        assertThat(Digest.of(in)).isEqualTo(layer.digest());
      }
    }
  }
}
