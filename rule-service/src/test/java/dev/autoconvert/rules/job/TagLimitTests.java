package dev.autoconvert.rules.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TagLimitTests {

  @Test
  void tagThatFitsWithItsSuffixIsAccepted() {
    assertThat(TagLimit.tooLong("t".repeat(122), "-nydus")).isEmpty();
  }

  @Test
  void tagOverTheLimitWithItsSuffixIsExplained() {
    String tag = "t".repeat(123);
    assertThat(TagLimit.tooLong(tag, "-nydus"))
        .hasValue(
            "tag '"
                + "t".repeat(40)
                + "…' is 123 characters; with suffix '-nydus' it would be 129,"
                + " over the 128 an OCI tag may have");
  }
}
