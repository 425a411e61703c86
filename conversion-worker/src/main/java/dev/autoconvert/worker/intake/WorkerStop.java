package dev.autoconvert.worker.intake;

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

  private final Converting converting;
  private volatile boolean running;
  private volatile boolean requested;

  WorkerStop(Converting converting) {
    this.converting = converting;
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
    int underWay = converting.interruptAll();
    if (underWay > 0) {
      log.info("stopping: handing {} conversion(s) under way over", underWay);
    }
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
