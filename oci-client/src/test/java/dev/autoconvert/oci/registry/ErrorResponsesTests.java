package dev.autoconvert.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.oci.ErrorKind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ErrorResponsesTests {
  @Test
  void namesTheRegistryErrorCodes() {
    byte[] body =
        "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\",\"detail\":{}}]}"
            .getBytes(StandardCharsets.UTF_8);
    assertThat(ErrorResponses.toException("pull manifest r/a:v1", 404, body))
        .hasMessage("pull manifest r/a:v1 failed with HTTP 404: MANIFEST_UNKNOWN: manifest unknown")
        .satisfies(e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
  }

  @Test
  void mapsStatusCodesToKinds() {
    assertThat(ErrorResponses.kindOf(401)).isEqualTo(ErrorKind.UNAUTHORIZED);
    assertThat(ErrorResponses.kindOf(403)).isEqualTo(ErrorKind.UNAUTHORIZED);
    assertThat(ErrorResponses.kindOf(404)).isEqualTo(ErrorKind.NOT_FOUND);
    assertThat(ErrorResponses.kindOf(400)).isEqualTo(ErrorKind.REJECTED);
    assertThat(ErrorResponses.kindOf(413)).isEqualTo(ErrorKind.REJECTED);
    assertThat(ErrorResponses.kindOf(429)).isEqualTo(ErrorKind.UNAVAILABLE);
    assertThat(ErrorResponses.kindOf(503)).isEqualTo(ErrorKind.UNAVAILABLE);
  }

  @Test
  void shortensTextBodies() {
    String detail =
        ErrorResponses.detail(("<html>" + "x".repeat(500)).getBytes(StandardCharsets.UTF_8));
    assertThat(detail).startsWith("<html>").hasSizeLessThan(210);
    assertThat(ErrorResponses.detail(new byte[0])).isEqualTo("no error details");
  }
}
