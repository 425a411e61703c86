package dev.autoconvert.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTests {
  private static final String DIGEST =
      "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1:5000/app:v1, 127.0.0.1:5000, app, v1",
    "localhost/team/sub/app:1.0-rc_1, localhost, team/sub/app, 1.0-rc_1",
    "registry.example.com/ns/app, registry.example.com, ns/app, latest",
    "registry.example.com:443/a__b/c-d/e.f:x, registry.example.com:443, a__b/c-d/e.f, x",
    "app, docker.io, library/app, latest",
    "ns/app:7, docker.io, ns/app, 7",
    "[::1]:5000/app:v1, [::1]:5000, app, v1"
  })
  void parsesRegistryRepositoryAndTag(
      String input, String registry, String repository, String tag) {
    ImageReference ref = ImageReference.parse(input);
    assertThat(ref.registry()).isEqualTo(registry);
    assertThat(ref.repository()).isEqualTo(repository);
    assertThat(ref.tag()).isEqualTo(tag);
    assertThat(ref.digest()).isNull();
  }

  @Test
  void keepsTagAndDigestAndAddressesTheDigest() {
    ImageReference ref = ImageReference.parse("127.0.0.1:5000/app:v1@" + DIGEST);
    assertThat(ref.tag()).isEqualTo("v1");
    assertThat(ref.digest()).isEqualTo(Digest.parse(DIGEST));
    assertThat(ref.apiReference()).isEqualTo(DIGEST);
    assertThat(ref).hasToString("127.0.0.1:5000/app:v1@" + DIGEST);
    assertThat(ImageReference.parse(ref.toString())).isEqualTo(ref);
  }

  @Test
  void referenceByDigestOnlyHasNoTag() {
    ImageReference ref = ImageReference.parse("127.0.0.1:5000/app@" + DIGEST);
    assertThat(ref.tag()).isNull();
    assertThat(ref.withTag("v2")).hasToString("127.0.0.1:5000/app:v2");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1:5000/App:v1",
        "127.0.0.1:5000/app:",
        "127.0.0.1:5000/app:-v1",
        "127.0.0.1:5000/app@sha256:abc",
        "127.0.0.1:5000/app//x:v1",
        "127.0.0.1:5000/app-:v1",
        "127.0.0.1:5000/app:tag with space",
        "-bad.example.com/app:v1"
      })
  void rejectsInvalidReferencesNamingTheInput(String bad) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ImageReference.parse(bad))
        .withMessageContaining("'" + bad + "'");
  }

  @Test
  void rejectsTagsLongerThan128Characters() {
    String tag = "t".repeat(129);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ImageReference.parse("127.0.0.1:5000/app:" + tag))
        .withMessageContaining(tag);
    assertThat(ImageReference.parse("127.0.0.1:5000/app:" + "t".repeat(128)).tag()).hasSize(128);
  }

  @Test
  void rejectsNamesLongerThan255Characters() {
    String repository = "a/".repeat(130) + "b";
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ImageReference.parse("127.0.0.1:5000/" + repository))
        .withMessageContaining("longer than 255");
  }
}
