package dev.autoconvert.listener.it;

import dev.autoconvert.contracts.JsonCodec;
import dev.autoconvert.contracts.PushEvent;
import dev.autoconvert.contracts.Topics;
import dev.autoconvert.testsupport.kafka.TestTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads {@code registry.push-events} from the offsets it had when opened, so a test sees only what
 * was published after it started (the dev Kafka is shared; tests also filter by their own unique
 * repository names).
 */
final class PushEventsTopic implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;

  private PushEventsTopic(KafkaConsumer<String, byte[]> consumer) {
    this.consumer = consumer;
  }

  static PushEventsTopic fromNow(String bootstrapServers, String topic) {
    return open(bootstrapServers, topic, true);
  }

  /** For a broker of the test's own, where everything in the topic is the test's. */
  static PushEventsTopic fromBeginning(String bootstrapServers, String topic) {
    return open(bootstrapServers, topic, false);
  }

  /** A topic of the test class's own, so that a running rule-service never reads test events. */
  static String newTopicName() {
    return "it-listener-push-events-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static PushEventsTopic open(String bootstrapServers, String topic, boolean atEnd) {
    // as many partitions as the listener creates it with: this consumer's are fixed when opened
    TestTopics.create(bootstrapServers, Integer.parseInt(Topics.DEFAULT_PARTITIONS), topic);
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
            .map(info -> new TopicPartition(info.topic(), info.partition()))
            .toList();
    consumer.assign(partitions);
    if (atEnd) {
      consumer.seekToEnd(partitions);
    } else {
      consumer.seekToBeginning(partitions);
    }
    partitions.forEach(consumer::position);
    return new PushEventsTopic(consumer);
  }

  /** Polls until {@code count} matching records arrived or the timeout passed. */
  List<ConsumerRecord<String, byte[]>> await(
      Predicate<PushEvent> matching, int count, Duration timeout) {
    List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (found.size() < count && System.nanoTime() < deadline) {
      collect(matching, found);
    }
    return found;
  }

  /** Everything matching that arrives within {@code window}; for asserting that nothing did. */
  List<ConsumerRecord<String, byte[]>> within(Predicate<PushEvent> matching, Duration window) {
    List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
    long deadline = System.nanoTime() + window.toNanos();
    while (System.nanoTime() < deadline) {
      collect(matching, found);
    }
    return found;
  }

  private void collect(Predicate<PushEvent> matching, List<ConsumerRecord<String, byte[]>> found) {
    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
      if (matching.test(decode(record))) {
        found.add(record);
      }
    }
  }

  static PushEvent decode(ConsumerRecord<String, byte[]> record) {
    return JsonCodec.decode(record.value(), PushEvent.class);
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(2));
  }
}
