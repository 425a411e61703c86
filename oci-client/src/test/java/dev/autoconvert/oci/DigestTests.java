package dev.autoconvert.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DigestTests {
  private static final String EMPTY =
      "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @Test
  void parsesAndPrintsTheCanonicalForm() {
    Digest digest = Digest.parse(EMPTY);
    assertThat(digest.algorithm()).isEqualTo("sha256");
    assertThat(digest.hex()).startsWith("e3b0c442");
    assertThat(digest).hasToString(EMPTY);
  }

  @Test
  void hashesBytesAndStreamsAlike() throws Exception {
    assertThat(Digest.of(new byte[0])).isEqualTo(Digest.parse(EMPTY));
    byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
    assertThat(Digest.of(new ByteArrayInputStream(hello))).isEqualTo(Digest.of(hello));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
        "sha256:e3b0c442",
        "sha512:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "sha256:",
        ""
      })
  void rejectsMalformedDigestsNamingTheInput(String bad) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Digest.parse(bad))
        .withMessageContaining("'" + bad + "'");
  }
}
