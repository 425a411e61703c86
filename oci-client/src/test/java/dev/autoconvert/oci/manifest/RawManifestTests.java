package dev.autoconvert.oci.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.autoconvert.imagespec.MediaTypes;
import dev.autoconvert.oci.Digest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RawManifestTests {
  /** As skopeo pushes it: pretty-printed, so any re-serialization would change the digest. */
  private static final byte[] SKOPEO_MANIFEST =
      """
      {
         "schemaVersion": 2,
         "mediaType": "application/vnd.oci.image.manifest.v1+json",
         "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": "sha256:1111111111111111111111111111111111111111111111111111111111111111",
            "size": 321
         },
         "layers": []
      }
      """
          .getBytes(StandardCharsets.UTF_8);

  @Test
  void keepsTheBytesItsDigestWasComputedOver() {
    RawManifest raw = RawManifest.of(MediaTypes.OCI_MANIFEST, SKOPEO_MANIFEST);

    assertThat(raw.bytes()).isEqualTo(SKOPEO_MANIFEST);
    assertThat(raw.digest()).isEqualTo(Digest.of(SKOPEO_MANIFEST));
    assertThat(raw.descriptor())
        .isEqualTo(Descriptor.of(MediaTypes.OCI_MANIFEST, raw.digest(), SKOPEO_MANIFEST.length));
    assertThat(raw.isIndex()).isFalse();
  }

  @Test
  void isAnIndexByItsMediaType() {
    byte[] json = "{\"schemaVersion\":2,\"manifests\":[]}".getBytes(StandardCharsets.UTF_8);

    assertThat(RawManifest.of(MediaTypes.DOCKER_MANIFEST_LIST, json).isIndex()).isTrue();
    assertThat(RawManifest.of(MediaTypes.OCI_INDEX, json).isIndex()).isTrue();
  }

  @Test
  void refusesMediaTypesThatAreNoManifest() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RawManifest.of("application/json", new byte[0]))
        .withMessageContaining("'application/json'");
  }

  @Test
  void descriptorNeedsATypeADigestAndASize() {
    Digest digest = Digest.of(SKOPEO_MANIFEST);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Descriptor.of("", digest, 1))
        .withMessageContaining("no mediaType");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Descriptor.of(MediaTypes.OCI_MANIFEST, null, 1))
        .withMessageContaining("no digest");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Descriptor.of(MediaTypes.OCI_MANIFEST, digest, -1))
        .withMessageContaining("negative size");
  }
}
