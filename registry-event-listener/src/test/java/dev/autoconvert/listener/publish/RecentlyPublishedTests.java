package dev.autoconvert.listener.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.contracts.PushEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentlyPublishedTests {
  private final RecentlyPublished recent = new RecentlyPublished();

  private static PushEvent event(String id, String repository) {
    Instant at = Instant.parse("2026-11-27T05:00:00Z");
    return new PushEvent(
        id, "distribution", "r:5000", repository, "v1", "sha256:aa", "", 0, at, "", at);
  }

  @Test
  void knowsOnlyWhatWasAdded() {
    recent.add(List.of(event("e-1", "a/b")));

    assertThat(recent.contains(event("e-1", "a/b"))).isTrue();
    assertThat(recent.contains(event("e-2", "a/b"))).isFalse();
    assertThat(recent.contains(event("e-1", "a/c"))).as("same id, other tag").isFalse();
  }

  @Test
  void forgetsTheOldestBeyondItsCapacity() {
    List<PushEvent> events = new ArrayList<>();
    for (int i = 0; i <= RecentlyPublished.CAPACITY; i++) {
      events.add(event("e-" + i, "a/b"));
    }

    recent.add(events);

    assertThat(recent.contains(events.get(0))).isFalse();
    assertThat(recent.contains(events.get(1))).isTrue();
    assertThat(recent.contains(events.get(RecentlyPublished.CAPACITY))).isTrue();
  }
}
