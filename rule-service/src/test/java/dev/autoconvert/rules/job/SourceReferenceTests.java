package dev.autoconvert.rules.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SourceReferenceTests {

  @Test
  void parsesHostRepositoryTagAndDigest() {
    String digest = "sha256:" + "a".repeat(64);
    assertThat(SourceReference.parse("127.0.0.1:5000/team/app:v1@" + digest))
        .isEqualTo(new SourceReference("127.0.0.1:5000", "team/app", "v1", digest));
    assertThat(SourceReference.parse("registry.example.com/app:latest"))
        .isEqualTo(new SourceReference("registry.example.com", "app", "latest", null));
  }

  @Test
  void referenceWithoutTagIsRefusedNamingIt() {
    assertThatThrownBy(() -> SourceReference.parse("127.0.0.1:5000/team/app"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'127.0.0.1:5000/team/app'");
  }
}
