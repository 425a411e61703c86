package dev.autoconvert.rules.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.bearer.BearerTokens;
import dev.autoconvert.rules.api.ApiTokenFilter.Role;
import org.junit.jupiter.api.Test;

class ApiTokenFilterTests {
  private static final BearerTokens ADMIN = BearerTokens.parse("admin-1,admin-2", "ADMIN");
  private static final BearerTokens READ = BearerTokens.parse("read-1", "READ");

  @Test
  void eachTokenHasTheRoleOfTheSettingThatHoldsIt() {
    assertThat(ApiTokenFilter.roleOf("admin-2", ADMIN, READ)).contains(Role.ADMIN);
    assertThat(ApiTokenFilter.roleOf("read-1", ADMIN, READ)).contains(Role.READ);
    assertThat(ApiTokenFilter.roleOf("other", ADMIN, READ)).isEmpty();
  }

  /** A read-only token copied into the admin token file after start gains nothing. */
  @Test
  void aTokenBothSettingsHoldOnlyReads() {
    BearerTokens adminWithReadToken = BearerTokens.parse("admin-1,read-1", "ADMIN");

    assertThat(ApiTokenFilter.roleOf("read-1", adminWithReadToken, READ)).contains(Role.BOTH);
    assertThat(ApiTokenFilter.roleOf("admin-1", adminWithReadToken, READ)).contains(Role.ADMIN);
  }
}
