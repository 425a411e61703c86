package dev.autoconvert.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class BackoffTests {
  private static final Instant NOW = Instant.parse("2026-11-27T06:00:00Z");
  private static final RetryPolicy POLICY =
      new RetryPolicy(6, Duration.ofMillis(100), Duration.ofSeconds(1));

  private static Backoff backoff(double random) {
    return new Backoff(POLICY, d -> {}, () -> random, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @Test
  void delaysDoubleUpToTheCap() {
    Backoff max = backoff(0.999_999);
    assertThat(max.delay(0)).isEqualTo(Duration.ofMillis(99));
    assertThat(max.delay(1)).isEqualTo(Duration.ofMillis(199));
    assertThat(max.delay(3)).isEqualTo(Duration.ofMillis(799));
    assertThat(max.delay(4)).isEqualTo(Duration.ofMillis(999));
    assertThat(max.delay(100)).isEqualTo(Duration.ofMillis(999));
  }

  @Test
  void jitterKeepsAtLeastHalfOfTheDelay() {
    assertThat(backoff(0).delay(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(backoff(0.5).delay(2)).isEqualTo(Duration.ofMillis(300));
  }

  @Test
  void retryAfterInSecondsOrAsDateReplacesTheComputedDelay() {
    Backoff b = backoff(0);
    assertThat(b.next(0, "1")).contains(Duration.ofSeconds(1));
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.ofInstant(NOW.plusMillis(500), ZoneOffset.UTC).withNano(0));
    assertThat(b.next(0, date)).contains(Duration.ZERO);
    String later =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.ofInstant(NOW.plusSeconds(1), ZoneOffset.UTC));
    assertThat(b.next(0, later)).contains(Duration.ofSeconds(1));
    assertThat(b.next(2, "garbage")).contains(Duration.ofMillis(200));
  }

  @Test
  void retryAfterLongerThanTheCapIsNotWaitedFor() {
    assertThat(backoff(0).next(0, "120")).isEmpty();
  }
}
