package dev.autoconvert.listener.publish;

import dev.autoconvert.listener.ListenerProperties;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Creates the producer and fetches the topic's metadata (and with it the idempotent producer id) in
 * the background after startup, so that the first webhook does not pay for them within its ack
 * timeout. Kafka being down is not fatal: webhooks are answered 503 until it is back.
 */
@Component
class ProducerWarmup {
  private static final Logger log = LoggerFactory.getLogger(ProducerWarmup.class);
  private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(1);
  private static final Duration PAUSE = Duration.ofSeconds(1);

  private final KafkaTemplate<String, byte[]> template;
  private final String topic;

  ProducerWarmup(KafkaTemplate<String, byte[]> template, ListenerProperties properties) {
    this.template = template;
    this.topic = properties.pushEventsTopic();
  }

  @EventListener(ApplicationReadyEvent.class)
  void warmUp() {
    Thread thread = new Thread(this::fetchMetadata, "kafka-producer-warmup");
    thread.setDaemon(true);
    thread.start();
  }

  private void fetchMetadata() {
    long deadline = System.nanoTime() + GIVE_UP_AFTER.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        int partitions = template.partitionsFor(topic).size();
        log.info("Kafka reachable: {} has {} partition(s)", topic, partitions);
        return;
      } catch (RuntimeException e) {
        last = e;
      }
      try {
        Thread.sleep(PAUSE.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    log.warn(
        "Kafka not reachable since startup ({}); webhooks are answered 503 until it is",
        last == null ? "no answer" : last.getMessage());
  }
}
