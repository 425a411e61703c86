package dev.autoconvert.rules.matching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NamePatternTests {

  @ParameterizedTest(name = "glob {0} vs {1} -> {2}")
  @CsvSource({
    "team/*, team/app, true",
    "team/*, team/sub/app, false",
    "team/**, team/sub/app, true",
    "team/**/app, team/app, true",
    "team/**/app, team/a/b/app, true",
    "team/**/app, team/a/b/web, false",
    "v?, v1, true",
    "v?, v10, false",
    "v?, v/, false",
    "'{dev,prod}-*', prod-api, true",
    "'{dev,prod}-*', test-api, false",
    "'v{1,2.{0,1}}', v2.1, true",
    "'v{1,2.{0,1}}', v2.2, false",
    "latest, latest, true",
    "latest, latest2, false",
    "v1.0, v1x0, false",
    "'a+b', a+b, true",
    "'a+b', aab, false",
    "'\\*', *, true",
    "'\\*', x, false",
    "'a,b', 'a,b', true",
  })
  void globsMatchWholeNames(String glob, String input, boolean expected) {
    assertThat(NamePattern.compile(glob, PatternSyntax.GLOB).matches(input)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "regex {0} vs {1} -> {2}")
  @CsvSource({
    "'v[0-9]+\\.[0-9]+', v1.22, true",
    "'v[0-9]+\\.[0-9]+', v1.22-rc1, false",
    "'team/(api|web)', team/web, true",
    "'team/(api|web)', xteam/web, false",
  })
  void regexesMatchTheWholeInput(String regex, String input, boolean expected) {
    assertThat(NamePattern.compile(regex, PatternSyntax.REGEX).matches(input)).isEqualTo(expected);
  }

  @Test
  void omittedPatternMatchesEverything() {
    assertThat(NamePattern.compile(null, PatternSyntax.GLOB).matches("anything/at:all")).isTrue();
    assertThat(NamePattern.compile("", PatternSyntax.REGEX).matches("")).isTrue();
  }

  @Test
  void classicRedosPatternAnswersQuickly() {
    NamePattern evil = NamePattern.compile("(a+)+$", PatternSyntax.REGEX);
    String attack = "a".repeat(100_000) + "!";
    long start = System.nanoTime();
    boolean matched = evil.matches(attack);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(matched).isFalse();
    // a backtracking engine needs about 2^100000 steps here; RE2 is linear in the input
    assertThat(took).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void backreferencesAreRefusedNamingThePattern() {
    assertThatThrownBy(() -> NamePattern.compile("(a)\\1", PatternSyntax.REGEX))
        .isInstanceOf(InvalidPatternException.class)
        .hasMessageContaining("(a)\\1");
  }

  @Test
  void unbalancedBracesAreRefusedNamingThePattern() {
    assertThatThrownBy(() -> NamePattern.compile("{dev,prod", PatternSyntax.GLOB))
        .isInstanceOf(InvalidPatternException.class)
        .hasMessageContaining("'{dev,prod'")
        .hasMessageContaining("never closed");
    assertThatThrownBy(() -> NamePattern.compile("dev}", PatternSyntax.GLOB))
        .isInstanceOf(InvalidPatternException.class)
        .hasMessageContaining("position 3");
  }

  @Test
  void overlongPatternsAreRefused() {
    String longPattern = "a".repeat(NamePattern.MAX_LENGTH + 1);
    assertThatThrownBy(() -> NamePattern.compile(longPattern, PatternSyntax.GLOB))
        .isInstanceOf(InvalidPatternException.class)
        .hasMessageContaining("257 characters");
  }
}
