package dev.autoconvert.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CredentialsTests {
  @Test
  void neverPrintsThePassword() {
    RegistryConfig config =
        RegistryConfig.plainHttp("127.0.0.1:5000").withCredentials("u", "s3cr3t");
    assertThat(config.toString()).doesNotContain("s3cr3t").contains("u");
    assertThat(new TokenFetcher.Token("tok3n", java.time.Instant.EPOCH).toString())
        .doesNotContain("tok3n");
  }

  @Test
  void anIdentityTokenIsTheSecretOfDockersTokenUser() {
    Credentials token = Credentials.identityToken("refresh-s3cr3t");

    assertThat(token.isIdentityToken()).isTrue();
    assertThat(token).isEqualTo(new Credentials("<token>", "refresh-s3cr3t"));
    assertThat(token.toString()).doesNotContain("refresh-s3cr3t").contains("identity token");
    assertThat(new Credentials("u", "p").isIdentityToken()).isFalse();
  }
}
