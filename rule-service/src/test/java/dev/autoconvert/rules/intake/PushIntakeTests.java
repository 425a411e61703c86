package dev.autoconvert.rules.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoconvert.contracts.PushEvent;
import dev.autoconvert.rules.MalformedEventException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PushIntakeTests {
  private static PushEvent event(String eventId, String repository, String digest) {
    return new PushEvent(
        eventId,
        "distribution",
        "r:5000",
        repository,
        "v1",
        digest,
        "m",
        0,
        Instant.now(),
        "",
        Instant.now());
  }

  @Test
  void completeEventPasses() {
    PushEvent event = event("e1", "team/app", "sha256:" + "a".repeat(64));
    assertThat(PushIntake.checked(event)).isSameAs(event);
  }

  @Test
  void eventWithoutDigestIsMalformedNamingTheField() {
    assertThatThrownBy(() -> PushIntake.checked(event("e1", "team/app", null)))
        .isInstanceOf(MalformedEventException.class)
        .hasMessage("push event without digest");
  }

  @Test
  void eventWithAFieldLongerThanItsColumnIsMalformed() {
    assertThatThrownBy(
            () -> PushIntake.checked(event("e1", "r".repeat(300), "sha256:" + "a".repeat(64))))
        .isInstanceOf(MalformedEventException.class)
        .hasMessage("push event repository is 300 characters, over 255");
  }
}
