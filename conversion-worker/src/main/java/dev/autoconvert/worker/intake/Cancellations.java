package dev.autoconvert.worker.intake;

import dev.autoconvert.contracts.ConversionCancellation;
import dev.autoconvert.contracts.JsonCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * The jobs operators cancelled, as rule-service announces them. Every worker reads every
 * cancellation from the start of the topic, in a consumer group of its own that commits nothing, so
 * a worker started after a cancellation still skips that job's request. A job this worker is
 * converting when its cancellation arrives is interrupted.
 */
@Component
class Cancellations {
  private static final Logger log = LoggerFactory.getLogger(Cancellations.class);

  /** Longer than Kafka keeps the topic by default (7 days): older entries cannot come again. */
  private static final Duration KEPT = Duration.ofDays(8);

  private final Map<UUID, Instant> cancelled = new ConcurrentHashMap<>();
  private final Map<UUID, Thread> converting = new ConcurrentHashMap<>();

  @KafkaListener(
      id = "conversion-cancellations",
      topics = "${autoconvert.worker.cancellations-topic:conversion.cancellations}",
      // a group per process: each worker reads all of it, and reads it again when it starts
      groupId = "conversion-worker-cancellations-#{T(java.util.UUID).randomUUID()}",
      properties = "auto.offset.reset=earliest",
      concurrency = "1")
  void onCancellation(ConsumerRecord<String, byte[]> record) {
    ConversionCancellation cancellation;
    try {
      cancellation = JsonCodec.decode(record.value(), ConversionCancellation.class);
    } catch (RuntimeException e) {
      log.error("ignoring an unreadable cancellation, key {}: {}", record.key(), e.toString());
      return;
    }
    Instant at = cancellation.at() == null ? Instant.now() : cancellation.at();
    cancelled.put(cancellation.jobId(), at);
    cancelled.values().removeIf(when -> when.isBefore(Instant.now().minus(KEPT)));
    Thread thread = converting.get(cancellation.jobId());
    if (thread != null) {
      log.info("job {} was cancelled: stopping its conversion", cancellation.jobId());
      thread.interrupt();
    }
  }

  /** Marks the calling thread as converting {@code job} until the handle is closed. */
  Converting enter(UUID job) {
    converting.put(job, Thread.currentThread());
    return () -> converting.remove(job);
  }

  boolean cancelled(UUID job) {
    return cancelled.containsKey(job);
  }
}
