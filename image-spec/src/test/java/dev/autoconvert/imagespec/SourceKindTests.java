package dev.autoconvert.imagespec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoconvert.imagespec.SourceKind.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SourceKindTests {
  private static final String DIGEST = "sha256:" + "ab".repeat(32);

  /** The upstream fixtures beside the repository (surefire runs in the module's directory). */
  private static final Path UPSTREAM =
      Path.of(System.getProperty("basedir", "."))
          .resolve("../../shared/fixtures/nydus-reference")
          .normalize();

  private static Kind kind(String mediaType, String json) throws IOException {
    return SourceKind.of(mediaType, json.getBytes(StandardCharsets.UTF_8)).kind();
  }

  private static String manifest(String configType, String layerType, String extra) {
    return """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",%s
         "config":{"mediaType":"%s","digest":"%s","size":1},
         "layers":[{"mediaType":"%s","digest":"%s","size":1}]}
        """
        .formatted(extra, configType, DIGEST, layerType, DIGEST);
  }

  @Test
  void upstreamNydusManifestIsRecognisedByItsBootstrapLayer() throws IOException {
    byte[] json = Files.readAllBytes(UPSTREAM.resolve("manifests/nydusify-example-manifest.json"));
    assertThat(SourceKind.of(MediaTypes.OCI_MANIFEST, json).kind()).isEqualTo(Kind.NYDUS);
  }

  @Test
  void mergePlatformIndexIsRecognisedAsNydus() throws IOException {
    byte[] json = Files.readAllBytes(UPSTREAM.resolve("manifests/nydusify-example-index.json"));
    assertThat(SourceKind.of(MediaTypes.OCI_INDEX, json).kind()).isEqualTo(Kind.NYDUS);
  }

  @Test
  void indexMarkedTheLegacyWayIsRecognisedAsNydus() throws IOException {
    String index =
        """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
         {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":1,
          "platform":{"architecture":"amd64","os":"linux"}},
         {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":1,
          "platform":{"architecture":"amd64","os":"linux","os.features":["nydus.remoteimage.v1"]}}]}
        """
            .formatted(DIGEST, DIGEST);
    assertThat(kind(MediaTypes.OCI_INDEX, index)).isEqualTo(Kind.NYDUS);
    assertThat(kind(MediaTypes.OCI_INDEX, index.replace("nydus.remoteimage.v1", "other")))
        .isEqualTo(Kind.INDEX);
  }

  @Test
  void plainImagesAndIndexesAreConvertible() throws IOException {
    assertThat(kind(null, manifest(MediaTypes.OCI_CONFIG, MediaTypes.OCI_LAYER_GZIP, "")))
        .isEqualTo(Kind.IMAGE);
    assertThat(
            kind(
                MediaTypes.OCI_MANIFEST,
                manifest(MediaTypes.OCI_CONFIG, "application/vnd.oci.image.layer.v1.tar+zstd", "")))
        .isEqualTo(Kind.IMAGE);
    assertThat(kind(MediaTypes.OCI_INDEX, "{\"schemaVersion\":2,\"manifests\":[]}"))
        .isEqualTo(Kind.INDEX);
  }

  @Test
  void helmChartsAndOtherArtifactsAreNotImages() throws IOException {
    SourceKind helm =
        SourceKind.of(
            MediaTypes.OCI_MANIFEST,
            manifest(
                    "application/vnd.cncf.helm.config.v1+json",
                    "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
                    "")
                .getBytes(StandardCharsets.UTF_8));
    assertThat(helm.kind()).isEqualTo(Kind.NOT_AN_IMAGE);
    assertThat(helm.reason()).contains("application/vnd.cncf.helm.config.v1+json");
    assertThat(
            kind(
                MediaTypes.OCI_MANIFEST,
                manifest(
                    MediaTypes.OCI_CONFIG,
                    MediaTypes.OCI_LAYER_GZIP,
                    "\"artifactType\":\"application/spdx+json\",")))
        .isEqualTo(Kind.NOT_AN_IMAGE);
    assertThat(
            kind(
                MediaTypes.OCI_MANIFEST,
                manifest(MediaTypes.OCI_CONFIG, "application/vnd.example.weights", "")))
        .isEqualTo(Kind.NOT_AN_IMAGE);
  }

  @Test
  void anIndexListsItsImageManifestsWithoutAttestationsOrNestedIndexes() throws IOException {
    String index =
        """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
         {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":1,
          "platform":{"architecture":"amd64","os":"linux"}},
         {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":1,
          "platform":{"architecture":"unknown","os":"unknown"}},
         {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":1,
          "annotations":{"vnd.docker.reference.type":"attestation-manifest"}},
         {"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:%s","size":1},
         {"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
          "digest":"sha256:%s","size":1,"platform":{"architecture":"arm64","os":"linux"}}]}
        """
            .formatted(
                "a".repeat(64), "b".repeat(64), "c".repeat(64), "d".repeat(64), "e".repeat(64));

    assertThat(SourceKind.imageManifests(index.getBytes(StandardCharsets.UTF_8)))
        .containsExactly("sha256:" + "a".repeat(64), "sha256:" + "e".repeat(64));
  }

  @Test
  void malformedManifestsFailWithTheReason() {
    assertThatThrownBy(() -> SourceKind.of(null, "{not json".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("manifest is not valid JSON");
    assertThatThrownBy(() -> SourceKind.imageManifests("[]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("index is not a JSON object");
    assertThatThrownBy(() -> SourceKind.imageManifests("{}".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("no manifests array");
  }
}
