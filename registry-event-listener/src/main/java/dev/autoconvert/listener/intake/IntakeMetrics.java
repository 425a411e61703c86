package dev.autoconvert.listener.intake;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * Webhook counters, exported at /actuator/prometheus as {@code
 * autoconvert_listener_events_received_total} and so on. Events are counted once a body is read; a
 * rejected request is counted per request, since its events are unknown or were not taken.
 */
@Component
class IntakeMetrics {
  /** Histogram buckets of the Kafka acknowledgement time, for the dashboard and alerts. */
  private static final Duration[] ACK_BUCKETS = {
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(5)
  };

  private final MeterRegistry registry;

  IntakeMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void received(String format, String registryId, int count) {
    counter("autoconvert.listener.events.received", format, registryId).increment(count);
  }

  void published(String format, String registryId, int count) {
    counter("autoconvert.listener.events.published", format, registryId).increment(count);
  }

  void ignored(String format, String registryId, IgnoreReason reason) {
    Counter.builder("autoconvert.listener.events.ignored")
        .description("Well-formed events acknowledged without publishing, by reason")
        .tags("format", format, "registry", registryId, "reason", reason.tag())
        .register(registry)
        .increment();
  }

  void rejected(String format, String registryId, Rejection.Reason reason) {
    Counter.builder("autoconvert.listener.webhooks.rejected")
        .description("Webhook requests answered with an error, by reason")
        .tags("format", format, "registry", registryId, "reason", reason.tag())
        .register(registry)
        .increment();
  }

  void kafkaAck(Duration elapsed, boolean acknowledged) {
    Timer.builder("autoconvert.listener.kafka.ack")
        .description("Time from sending a webhook's events until Kafka acknowledged all or gave up")
        .tag("outcome", acknowledged ? "acknowledged" : "unavailable")
        // buckets around the 1 s registries wait for an answer before they send again
        .serviceLevelObjectives(ACK_BUCKETS)
        .register(registry)
        .record(elapsed);
  }

  private Counter counter(String name, String format, String registryId) {
    return Counter.builder(name).tags("format", format, "registry", registryId).register(registry);
  }
}
