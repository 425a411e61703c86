package dev.autoconvert.worker.intake;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The conversions under way in this worker, each on a thread of its own: what a stop ({@link
 * WorkerStop}) or a cancellation ({@link Cancellations}) interrupts.
 */
@Component
class Converting {
  private final Map<Thread, UUID> jobs = new ConcurrentHashMap<>();

  /** Marks the calling thread as converting {@code job} until the handle is closed. */
  Handle enter(UUID job) {
    Thread thread = Thread.currentThread();
    jobs.put(thread, job);
    return () -> jobs.remove(thread);
  }

  /** Interrupts the conversion of {@code job}; whether one was under way. */
  boolean interrupt(UUID job) {
    boolean found = false;
    for (Map.Entry<Thread, UUID> e : jobs.entrySet()) {
      if (e.getValue().equals(job)) {
        e.getKey().interrupt();
        found = true;
      }
    }
    return found;
  }

  /** Interrupts every conversion under way; how many there were. */
  int interruptAll() {
    jobs.keySet().forEach(Thread::interrupt);
    return jobs.size();
  }

  /** A conversion's registration, ended by closing it. */
  interface Handle extends AutoCloseable {
    @Override
    void close();
  }
}
