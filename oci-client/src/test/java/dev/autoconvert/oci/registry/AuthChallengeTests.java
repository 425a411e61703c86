package dev.autoconvert.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuthChallengeTests {
  @Test
  void parsesBearerChallengeWithCommasInsideQuotes() {
    AuthChallenge c =
        AuthChallenge.parse(
                "Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\","
                    + "scope=\"repository:team/app:pull,push\",error=\"insufficient_scope\"")
            .orElseThrow();
    assertThat(c.isBearer()).isTrue();
    assertThat(c.param("realm")).isEqualTo("https://auth.example.com/token");
    assertThat(c.param("service")).isEqualTo("registry.example.com");
    assertThat(c.param("scope")).isEqualTo("repository:team/app:pull,push");
    assertThat(c.param("error")).isEqualTo("insufficient_scope");
  }

  @Test
  void parsesBasicChallengeCaseInsensitively() {
    AuthChallenge c = AuthChallenge.parse("basic Realm=\"local registry\"").orElseThrow();
    assertThat(c.isBasic()).isTrue();
    assertThat(c.param("realm")).isEqualTo("local registry");
  }

  @Test
  void handlesEscapedQuotesUnquotedValuesAndBareSchemes() {
    AuthChallenge c = AuthChallenge.parse("Bearer realm=\"a\\\"b\", service=svc").orElseThrow();
    assertThat(c.param("realm")).isEqualTo("a\"b");
    assertThat(c.param("service")).isEqualTo("svc");
    assertThat(AuthChallenge.parse("Negotiate").orElseThrow().params()).isEmpty();
    assertThat(AuthChallenge.parse("  ")).isEmpty();
  }
}
