package dev.autoconvert.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.contracts.FailureCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ErrorKindTests {
  @ParameterizedTest
  @EnumSource(ErrorKind.class)
  void everyKindNamesAnExistingFailureCode(ErrorKind kind) {
    assertThat(FailureCode.valueOf(kind.failureCode())).isNotNull();
  }

  @Test
  void transientKindsAreRetryable() {
    assertThat(ErrorKind.UNAVAILABLE.retryable()).isTrue();
    assertThat(ErrorKind.UNAUTHORIZED.retryable()).isFalse();
    assertThat(ErrorKind.NOT_FOUND.retryable()).isFalse();
    assertThat(ErrorKind.REJECTED.retryable()).isFalse();
  }

  @Test
  void messageNamesActionAndStatus() {
    RegistryException e =
        new RegistryException(
            ErrorKind.NOT_FOUND,
            "pull manifest 127.0.0.1:5000/app:v1",
            404,
            "MANIFEST_UNKNOWN: manifest unknown",
            null);
    assertThat(e)
        .hasMessage(
            "pull manifest 127.0.0.1:5000/app:v1 failed with HTTP 404:"
                + " MANIFEST_UNKNOWN: manifest unknown");
    assertThat(e.retryable()).isFalse();
  }
}
