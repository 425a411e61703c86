package dev.autoconvert.listener.publish;

import dev.autoconvert.contracts.JsonCodec;
import dev.autoconvert.contracts.PushEvent;
import dev.autoconvert.contracts.Topics;
import dev.autoconvert.listener.ListenerProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.support.SendResult;
import org.springframework.stereotype.Component;

/**
 * Publishes push events to their topic ({@link Topics#PUSH_EVENTS} by default) and returns only
 * when Kafka acknowledged every one of them (acks=all, idempotent producer). Anything else within
 * the ack timeout throws, so the caller never answers a registry 2xx for an event Kafka has not
 * stored. A send that completes after the timeout is a duplicate of the registry's next delivery,
 * which consumers deduplicate by event id.
 */
@Component
public class PushEventPublisher {
  private final KafkaTemplate<String, byte[]> template;
  private final Duration ackTimeout;
  private final String topic;

  PushEventPublisher(
      KafkaTemplate<String, byte[]> template,
      ProducerFactory<String, byte[]> producerFactory,
      ListenerProperties properties) {
    this.template = template;
    this.ackTimeout = properties.kafkaAckTimeout();
    this.topic = properties.pushEventsTopic();
    checkProducerConfig(producerFactory.getConfigurationProperties(), ackTimeout);
    // Creating the (shared) producer validates its configuration without touching the network,
    // so that a bad setting fails the start instead of turning every webhook into a 503.
    producerFactory.createProducer().close();
  }

  /**
   * Sends all events and waits for their acknowledgements, bounded by the ack timeout from {@code
   * startedAt}; the first failure aborts the rest.
   */
  public void publishAll(List<PushEvent> events, long startedAtNanos)
      throws KafkaUnavailableException {
    long deadline = startedAtNanos + ackTimeout.toNanos();
    List<CompletableFuture<SendResult<String, byte[]>>> acks = new ArrayList<>(events.size());
    try {
      for (PushEvent event : events) {
        acks.add(template.send(topic, event.key(), JsonCodec.encode(event)));
      }
      for (CompletableFuture<SendResult<String, byte[]>> ack : acks) {
        ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    } catch (TimeoutException e) {
      throw new KafkaUnavailableException(
          "Kafka did not acknowledge " + events.size() + " event(s) within " + ackTimeout, e);
    } catch (ExecutionException e) {
      throw new KafkaUnavailableException(
          "Kafka refused an event: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("interrupted while waiting for Kafka", e);
    } catch (RuntimeException e) {
      // KafkaTemplate.send throws when the producer cannot even be created or buffer the record.
      throw new KafkaUnavailableException("cannot send to Kafka: " + e.getMessage(), e);
    }
  }

  /**
   * The invariant depends on these producer settings, so a configuration that breaks them fails at
   * startup instead of silently weakening delivery.
   */
  static void checkProducerConfig(Map<String, Object> config, Duration ackTimeout) {
    String acks = String.valueOf(config.get(ProducerConfig.ACKS_CONFIG));
    if (!acks.equals("all") && !acks.equals("-1")) {
      throw new IllegalStateException(
          "spring.kafka.producer.acks must be 'all' (every in-sync replica), not " + acks);
    }
    Object idempotence = config.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
    if (idempotence != null && !Boolean.parseBoolean(idempotence.toString())) {
      throw new IllegalStateException(
          "spring.kafka.producer.properties.enable.idempotence must not be false");
    }
    Object maxBlock = config.get(ProducerConfig.MAX_BLOCK_MS_CONFIG);
    if (maxBlock == null || Long.parseLong(maxBlock.toString()) > ackTimeout.toMillis()) {
      // send() blocks up to max.block.ms waiting for metadata, outside any future timeout.
      throw new IllegalStateException(
          "spring.kafka.producer.properties.max.block.ms must be set and at most"
              + " autoconvert.listener.kafka-ack-timeout ("
              + ackTimeout.toMillis()
              + " ms), was "
              + maxBlock);
    }
  }
}
