package dev.autoconvert.listener.publish;

import dev.autoconvert.contracts.PushEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The last few thousand events Kafka acknowledged, so that a registry's redelivery of a webhook it
 * gave up waiting for (an answer slower than its timeout) is acknowledged without publishing the
 * events again. Only an optimisation: it is per instance and lost on restart, so consumers still
 * deduplicate by event id.
 */
@Component
public class RecentlyPublished {
  static final int CAPACITY = 10_000;

  private final Map<String, Boolean> recent =
      new LinkedHashMap<>(CAPACITY, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > CAPACITY;
        }
      };

  public synchronized boolean contains(PushEvent event) {
    return recent.containsKey(identity(event));
  }

  /** Records events only after Kafka acknowledged them. */
  public synchronized void add(Iterable<PushEvent> acknowledged) {
    acknowledged.forEach(event -> recent.put(identity(event), Boolean.TRUE));
  }

  private static String identity(PushEvent event) {
    // The key as well: an id is only unique within one registry's events.
    return event.key() + "\n" + event.eventId();
  }
}
