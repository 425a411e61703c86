package dev.autoconvert.listener.publish;

import dev.autoconvert.contracts.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Creates the producer and fetches the topic's metadata at startup, so the first webhook is not the
 * one that pays for it within its ack timeout. Kafka being down here is not fatal: webhooks are
 * answered 503 until it is back.
 */
@Component
class ProducerWarmup {
  private static final Logger log = LoggerFactory.getLogger(ProducerWarmup.class);

  private final KafkaTemplate<String, byte[]> template;

  ProducerWarmup(KafkaTemplate<String, byte[]> template) {
    this.template = template;
  }

  @EventListener(ApplicationReadyEvent.class)
  void warmUp() {
    try {
      int partitions = template.partitionsFor(Topics.PUSH_EVENTS).size();
      log.info("Kafka reachable: {} has {} partition(s)", Topics.PUSH_EVENTS, partitions);
    } catch (RuntimeException e) {
      log.warn(
          "Kafka not reachable at startup ({}); webhooks are answered 503 until it is",
          e.getMessage());
    }
  }
}
