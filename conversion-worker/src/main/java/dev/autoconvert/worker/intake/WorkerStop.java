package dev.autoconvert.worker.intake;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The worker's stop, as Kubernetes, systemd and {@code ./autoconvert down} ask for it (SIGTERM).
 * Stopped before the Kafka listeners, it interrupts the conversions under way, which {@link
 * JobRunner} then hands back to Kafka as their next attempt: another worker takes each over at
 * once, where a worker left to finish would be killed mid-conversion at the end of its grace period
 * and its partitions would wait for the consumer's session timeout.
 */
@Component
class WorkerStop implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(WorkerStop.class);

  private final Set<Thread> converting = ConcurrentHashMap.newKeySet();
  private volatile boolean running;
  private volatile boolean requested;

  /** Marks the calling thread as converting until the returned handle is closed. */
  Converting enter() {
    Thread thread = Thread.currentThread();
    converting.add(thread);
    return () -> converting.remove(thread);
  }

  /** Whether the worker is stopping: no conversion starts, and those under way are handed over. */
  boolean requested() {
    return requested;
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    requested = true;
    running = false;
    if (!converting.isEmpty()) {
      log.info("stopping: handing {} conversion(s) under way over", converting.size());
    }
    converting.forEach(Thread::interrupt);
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Before the listener containers (whose phase is {@code Integer.MAX_VALUE - 100}). */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE;
  }
}
