package dev.autoconvert.rules.matching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RuleMatcherTests {
  private static RuleMatcher glob(String registry, String namespace, String tag) {
    return RuleMatcher.compile(
        registry, new RuleMatcher.Patterns(namespace, null, tag, null, null, PatternSyntax.GLOB));
  }

  private static RuleMatcher excluding(
      String excludeRepository, String excludeTag, PatternSyntax syntax) {
    return RuleMatcher.compile(
        null, new RuleMatcher.Patterns(null, null, null, excludeRepository, excludeTag, syntax));
  }

  @Test
  void namespaceIsTheFirstPathSegment() {
    RuleMatcher rule = glob(null, "team", "v*");
    assertThat(rule.matches("r:5000", "team/app", "v1")).isTrue();
    assertThat(rule.matches("r:5000", "team/sub/app", "v1")).isTrue();
    assertThat(rule.matches("r:5000", "other/team", "v1")).isFalse();
    assertThat(rule.matches("r:5000", "team/app", "latest")).isFalse();
  }

  @Test
  void ruleForOneRegistryIgnoresOthers() {
    RuleMatcher rule = glob("r:5000", null, null);
    assertThat(rule.matches("r:5000", "app", "v1")).isTrue();
    assertThat(rule.matches("other:5000", "app", "v1")).isFalse();
  }

  @Test
  void excludedTagsAreNotMatchedWhateverTheTagPatternSays() {
    RuleMatcher rule = excluding(null, "{*-debug,sha256-*}", PatternSyntax.GLOB);

    assertThat(rule.matches(null, "team/app", "v1")).isTrue();
    assertThat(rule.matches(null, "team/app", "v1-debug")).isFalse();
    assertThat(rule.matches(null, "team/app", "sha256-abc.sig")).isFalse();
    assertThat(rule.matchesRepository("team/app")).as("tags do not exclude repositories").isTrue();
  }

  @Test
  void excludedRepositoriesAreNotMatchedNorListedForReconciliation() {
    RuleMatcher rule = excluding("team/(scratch|tmp)/.*", null, PatternSyntax.REGEX);

    assertThat(rule.matches(null, "team/app", "v1")).isTrue();
    assertThat(rule.matches(null, "team/scratch/app", "v1")).isFalse();
    assertThat(rule.matchesRepository("team/tmp/x")).isFalse();
    assertThat(rule.matchesRepository("team/tmpx/x")).isTrue();
  }

  @Test
  void withoutExclusionsEverythingTheRuleMatchesStays() {
    RuleMatcher rule = excluding(null, "", PatternSyntax.GLOB);

    assertThat(rule.matches(null, "any/repo", "any-tag")).isTrue();
    assertThat(rule.excludedTag()).hasToString("<none>");
  }

  @Test
  void badExclusionsAreRefusedNamingThePattern() {
    assertThatThrownBy(() -> excluding("(a", null, PatternSyntax.REGEX))
        .isInstanceOf(InvalidPatternException.class)
        .hasMessageContaining("(a");
  }
}
