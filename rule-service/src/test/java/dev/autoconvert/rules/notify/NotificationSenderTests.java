package dev.autoconvert.rules.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.rules.RulesProperties;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class NotificationSenderTests {

  @Test
  void pausesDoubleFromTheInitialBackoffUpToTheMaximum() {
    RulesProperties.Notifications config =
        new RulesProperties.Notifications(
            List.of(),
            Duration.ofSeconds(1),
            Duration.ofSeconds(5),
            Duration.ofSeconds(30),
            Duration.ofHours(24),
            Duration.ofSeconds(10));

    assertThat(List.of(1, 2, 3, 4, 5, 60))
        .map(attempts -> NotificationSender.backoff(config, attempts))
        .containsExactly(
            Duration.ofSeconds(5),
            Duration.ofSeconds(10),
            Duration.ofSeconds(20),
            Duration.ofSeconds(30),
            Duration.ofSeconds(30),
            Duration.ofSeconds(30));
  }

  /** RFC 4231, test case 2: receivers check the signature with any HMAC-SHA256. */
  @Test
  void theSignatureIsTheHexHmacSha256OfTheBody() {
    assertThat(
            NotificationSender.hmac(
                "Jefe", "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }
}
