package dev.autoconvert.worker.testing;

import dev.autoconvert.contracts.ConversionStatus;
import dev.autoconvert.contracts.JsonCodec;
import dev.autoconvert.testsupport.kafka.TestTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plain Kafka clients for tests against the shared broker ({@code AUTOCONVERT_TEST_KAFKA}): sends
 * requests and collects the status updates of one status topic, grouped by job.
 */
public final class KafkaTestSupport implements AutoCloseable {
  private final KafkaProducer<String, byte[]> producer;
  private final Map<UUID, List<ConversionStatus>> byJob = new ConcurrentHashMap<>();
  private final Set<String> created = ConcurrentHashMap.newKeySet();
  private final Thread poller;
  private volatile boolean running = true;

  public KafkaTestSupport(String statusTopic) {
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                // sendAll() right after the topic's creation: the first batches meet partitions the
                // broker has not loaded yet, and with several requests in flight their retries
                // came back out of sequence, rejected until the delivery timeout (2 min)
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                "1"),
            new StringSerializer(),
            new ByteArraySerializer());
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "test-status-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                // the worker creates its status topic after this subscribes: see it at once
                ConsumerConfig.METADATA_MAX_AGE_CONFIG,
                "1000"),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    consumer.subscribe(List.of(statusTopic));
    poller =
        new Thread(
            () -> {
              try (consumer) {
                while (running) {
                  for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    ConversionStatus s = JsonCodec.decode(r.value(), ConversionStatus.class);
                    byJob.computeIfAbsent(s.jobId(), j -> new CopyOnWriteArrayList<>()).add(s);
                  }
                }
              }
            },
            "status-reader");
    poller.setDaemon(true);
    poller.start();
  }

  public static String bootstrapServers() {
    String configured = System.getenv("AUTOCONVERT_TEST_KAFKA");
    return configured == null || configured.isBlank() ? "127.0.0.1:9092" : configured;
  }

  public void send(String topic, String key, Object message) {
    created(topic);
    try {
      producer
          .send(new ProducerRecord<>(topic, key, JsonCodec.encode(message)))
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("send to " + topic, e);
    }
  }

  /** Sends {@code messages} by key, in order, waiting only for the last. */
  public void sendAll(String topic, Map<String, ?> messages) {
    created(topic);
    messages.forEach(
        (key, message) ->
            producer.send(new ProducerRecord<>(topic, key, JsonCodec.encode(message))));
    producer.flush();
  }

  /** What rule-service does at start for the topics it publishes to (the broker creates none). */
  private void created(String topic) {
    if (created.add(topic)) {
      TestTopics.create(bootstrapServers(), 3, topic);
    }
  }

  /** The updates of {@code job} so far. */
  public List<ConversionStatus> updates(UUID job) {
    return new ArrayList<>(byJob.getOrDefault(job, List.of()));
  }

  /** Waits until {@code job} reached a terminal status and returns all its updates in order. */
  public List<ConversionStatus> awaitTerminal(UUID job, Duration timeout) {
    return await(job, timeout, s -> s.status().terminal(), "a terminal status");
  }

  public List<ConversionStatus> await(
      UUID job,
      Duration timeout,
      java.util.function.Predicate<ConversionStatus> condition,
      String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      List<ConversionStatus> updates = updates(job);
      if (updates.stream().anyMatch(condition)) {
        return updates;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError(
        "job " + job + " did not reach " + what + " in " + timeout + "; updates: " + updates(job));
  }

  @Override
  public void close() {
    running = false;
    producer.close();
    try {
      poller.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
