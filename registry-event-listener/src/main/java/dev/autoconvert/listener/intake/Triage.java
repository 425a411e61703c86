package dev.autoconvert.listener.intake;

import dev.autoconvert.contracts.PushEvent;
import java.util.ArrayList;
import java.util.List;

/** What a webhook body held: the push events to publish and the reasons for the rest. */
public record Triage(List<PushEvent> kept, List<IgnoreReason> ignored) {

  public Triage {
    kept = List.copyOf(kept);
    ignored = List.copyOf(ignored);
  }

  public int received() {
    return kept.size() + ignored.size();
  }

  /** Collects the outcome event by event, in the order of the body. */
  public static final class Builder {
    private final List<PushEvent> kept = new ArrayList<>();
    private final List<IgnoreReason> ignored = new ArrayList<>();

    public Builder keep(PushEvent event) {
      kept.add(event);
      return this;
    }

    public Builder ignore(IgnoreReason reason) {
      ignored.add(reason);
      return this;
    }

    public Triage build() {
      return new Triage(kept, ignored);
    }
  }
}
