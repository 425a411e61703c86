package dev.autoconvert.oci.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.autoconvert.imagespec.MediaTypes;
import dev.autoconvert.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestJsonTests {
  private static final String CONFIG =
      "sha256:1111111111111111111111111111111111111111111111111111111111111111";
  private static final String LAYER =
      "sha256:2222222222222222222222222222222222222222222222222222222222222222";

  /** As skopeo pushes it (pretty-printed, with an annotation and a field we do not model). */
  private static final String SKOPEO_MANIFEST =
      """
      {
         "schemaVersion": 2,
         "mediaType": "application/vnd.oci.image.manifest.v1+json",
         "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": "%s",
            "size": 321
         },
         "layers": [
            {
               "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
               "digest": "%s",
               "size": 4096,
               "annotations": { "containerd.io/snapshot/nydus-blob": "true" }
            }
         ],
         "x-future-field": 42
      }
      """
          .formatted(CONFIG, LAYER);

  @Test
  void readsAManifestAndKeepsItsBytesForTheDigest() {
    byte[] bytes = SKOPEO_MANIFEST.getBytes(StandardCharsets.UTF_8);
    RawManifest raw = RawManifest.of(MediaTypes.OCI_MANIFEST, bytes);
    assertThat(raw.digest()).isEqualTo(Digest.of(bytes));
    assertThat(raw.bytes()).isEqualTo(bytes);
    ImageManifest manifest = raw.manifest();
    assertThat(manifest.config().digest()).isEqualTo(Digest.parse(CONFIG));
    assertThat(manifest.layers())
        .singleElement()
        .satisfies(
            layer -> {
              assertThat(layer.size()).isEqualTo(4096);
              assertThat(layer.annotations())
                  .containsEntry("containerd.io/snapshot/nydus-blob", "true");
            });
  }

  @Test
  void writesCompactJsonWithoutAbsentFields() {
    ImageManifest manifest =
        ImageManifest.of(
            MediaTypes.OCI_MANIFEST,
            Descriptor.of(MediaTypes.OCI_CONFIG, Digest.parse(CONFIG), 321),
            List.of(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digest.parse(LAYER), 4096)));
    String json = new String(ManifestJson.write(manifest), StandardCharsets.UTF_8);
    assertThat(json)
        .isEqualTo(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                + "\"digest\":\""
                + CONFIG
                + "\",\"size\":321},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
                + LAYER
                + "\",\"size\":4096}]}");
    RawManifest raw = RawManifest.of(manifest);
    assertThat(raw.manifest()).isEqualTo(manifest);
    assertThat(raw.descriptor().size()).isEqualTo(json.length());
  }

  @Test
  void readsAnIndexWithPlatformsAndSpotsAttestations() {
    String json =
        """
        {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json",
         "manifests":[
          {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"%s","size":1,
           "platform":{"architecture":"arm64","os":"linux","variant":"v8","os.features":["x"]}},
          {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":2,
           "platform":{"architecture":"unknown","os":"unknown"},
           "annotations":{"vnd.docker.reference.type":"attestation-manifest"}}]}
        """
            .formatted(CONFIG, LAYER);
    RawManifest raw =
        RawManifest.of(MediaTypes.DOCKER_MANIFEST_LIST, json.getBytes(StandardCharsets.UTF_8));
    assertThat(raw.isIndex()).isTrue();
    ImageIndex index = raw.index();
    assertThat(index.manifests()).hasSize(2);
    assertThat(index.manifests().get(0).platform()).hasToString("linux/arm64/v8");
    assertThat(index.manifests().get(0).platform().osFeatures()).containsExactly("x");
    assertThat(index.manifests().get(1).annotations())
        .containsEntry("vnd.docker.reference.type", "attestation-manifest");
    String written =
        new String(
            ManifestJson.write(index.withAnnotations(Map.of("k", "v"))), StandardCharsets.UTF_8);
    assertThat(written)
        .contains("\"os.features\":[\"x\"]")
        .contains("\"annotations\":{\"k\":\"v\"}");
  }

  @Test
  void findsTheMediaTypeInTheDocument() {
    assertThat(ManifestJson.mediaTypeOf(SKOPEO_MANIFEST.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(ManifestJson.mediaTypeOf("{}".getBytes(StandardCharsets.UTF_8))).isNull();
  }

  @Test
  void rejectsSchemaVersionOneAndBrokenJson() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                ManifestJson.readManifest(
                    ("{\"schemaVersion\":1,\"config\":{\"mediaType\":\"a\",\"digest\":\""
                            + CONFIG
                            + "\",\"size\":1}}")
                        .getBytes(StandardCharsets.UTF_8)))
        .withMessageContaining("schemaVersion 1");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ManifestJson.readIndex("{".getBytes(StandardCharsets.UTF_8)))
        .withMessageContaining("ImageIndex");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RawManifest.of("application/json", new byte[0]))
        .withMessageContaining("'application/json'");
  }
}
