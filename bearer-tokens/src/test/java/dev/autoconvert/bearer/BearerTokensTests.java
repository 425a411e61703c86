package dev.autoconvert.bearer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class BearerTokensTests {
  @Test
  void acceptsEachOfSeveralTokensWhileOneIsRotated() {
    BearerTokens tokens = BearerTokens.parse(" old-s3cret , new-s3cret ", "SETTING");

    assertThat(tokens.accepts("old-s3cret")).isTrue();
    assertThat(tokens.accepts("new-s3cret")).isTrue();
    assertThat(tokens.accepts("old-s3cret,new-s3cret")).isFalse();
    assertThat(tokens.accepts("new-s3cre")).isFalse();
    assertThat(tokens.size()).isEqualTo(2);
  }

  @Test
  void readsTheTokenOfABearerHeaderOnly() {
    BearerTokens tokens = BearerTokens.parse("s3cret", "SETTING");

    assertThat(tokens.acceptsHeader("Bearer s3cret")).isTrue();
    assertThat(tokens.acceptsHeader("bearer  s3cret ")).isTrue();
    assertThat(tokens.acceptsHeader("Basic s3cret")).isFalse();
    assertThat(tokens.acceptsHeader("s3cret")).isFalse();
    assertThat(tokens.acceptsHeader("Bearer ")).isFalse();
    assertThat(tokens.acceptsHeader(null)).isFalse();
    assertThat(BearerTokens.presented("Bearer  ")).isEmpty();
  }

  @Test
  void aSettingWithoutATokenIsRefusedByNameNotValue() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> BearerTokens.parse(" , ", "AUTOCONVERT_X_TOKEN"))
        .withMessage("AUTOCONVERT_X_TOKEN holds no token");
    assertThatIllegalArgumentException().isThrownBy(() -> BearerTokens.parse(null, "X"));
  }

  @Test
  void findsATokenTwoSetsShare() {
    BearerTokens admin = BearerTokens.parse("a1,shared", "A");

    assertThat(admin.sharesAnyWith(BearerTokens.parse("r1, shared", "R"))).isTrue();
    assertThat(admin.sharesAnyWith(BearerTokens.parse("r1", "R"))).isFalse();
  }

  @Test
  void neverPrintsATokenOrItsHash() {
    assertThat(BearerTokens.parse("s3cret,other", "X")).hasToString("BearerTokens[2 tokens]");
  }

  @Test
  void aFingerprintTellsTokensApartWithoutShowingThem() {
    // sha256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
    assertThat(BearerTokens.fingerprint("abc")).isEqualTo("sha256:ba7816bf8f01");
    assertThat(BearerTokens.fingerprint("abd")).isNotEqualTo(BearerTokens.fingerprint("abc"));
  }
}
