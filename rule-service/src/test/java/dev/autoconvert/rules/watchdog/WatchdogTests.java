package dev.autoconvert.rules.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WatchdogTests {
  @Test
  void durationsInReasonsReadAsPeopleWriteThem() {
    assertThat(Watchdog.compact(Duration.ofMinutes(30))).isEqualTo("30m");
    assertThat(Watchdog.compact(Duration.ofHours(2))).isEqualTo("2h");
    assertThat(Watchdog.compact(Duration.ofSeconds(90))).isEqualTo("90s");
  }
}
