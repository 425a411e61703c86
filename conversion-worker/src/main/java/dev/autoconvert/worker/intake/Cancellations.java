package dev.autoconvert.worker.intake;

import dev.autoconvert.contracts.ConversionCancellation;
import dev.autoconvert.contracts.JsonCodec;
import dev.autoconvert.worker.WorkerProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * The jobs operators cancelled, as rule-service announces them. Every worker reads every
 * cancellation from the start of the topic, in a consumer group of its own that commits nothing, so
 * a worker started after a cancellation still skips that job's request: it takes no request before
 * it has read the cancellations published until then (see {@link #awaitBacklog()}). A job this
 * worker is converting when its cancellation arrives is interrupted.
 */
@Component
class Cancellations {
  private static final Logger log = LoggerFactory.getLogger(Cancellations.class);

  /** Longer than Kafka keeps the topic by default (7 days): older entries cannot come again. */
  private static final Duration KEPT = Duration.ofDays(8);

  /**
   * The longest a starting worker holds its first request back while it reads the cancellations
   * before it; thousands take a second. Then it goes on, as it did before it waited at all.
   */
  private static final Duration BACKLOG_LIMIT = Duration.ofSeconds(30);

  private final Map<UUID, Instant> cancelled = new ConcurrentHashMap<>();

  /** Per partition, the offset after the last cancellation read. */
  private final Map<Integer, Long> readUpTo = new ConcurrentHashMap<>();

  private final Converting converting;
  private final KafkaAdmin kafka;
  private final String topic;
  private volatile boolean backlogRead;
  private volatile Instant pruned = Instant.now();

  Cancellations(Converting converting, KafkaAdmin kafka, WorkerProperties properties) {
    this.converting = converting;
    this.kafka = kafka;
    this.topic = properties.cancellationsTopic();
  }

  @KafkaListener(
      id = "conversion-cancellations",
      topics = "${autoconvert.worker.cancellations-topic:conversion.cancellations}",
      // a group per process: each worker reads all of it, and reads it again when it starts
      groupId = "conversion-worker-cancellations-#{T(java.util.UUID).randomUUID()}",
      properties = "auto.offset.reset=earliest",
      concurrency = "1")
  void onCancellation(ConsumerRecord<String, byte[]> record) {
    readUpTo.merge(record.partition(), record.offset() + 1, Math::max); // read, even if unreadable
    ConversionCancellation cancellation;
    try {
      cancellation = JsonCodec.decode(record.value(), ConversionCancellation.class);
    } catch (RuntimeException e) {
      log.error("ignoring an unreadable cancellation, key {}: {}", record.key(), e.toString());
      return;
    }
    Instant at = cancellation.at() == null ? Instant.now() : cancellation.at();
    cancelled.put(cancellation.jobId(), at);
    // hourly, not per record: a starting worker reads thousands at once
    Instant now = Instant.now();
    if (pruned.isBefore(now.minus(Duration.ofHours(1)))) {
      pruned = now;
      cancelled.values().removeIf(when -> when.isBefore(now.minus(KEPT)));
    }
    if (converting.interrupt(cancellation.jobId())) {
      log.info("job {} was cancelled: stopping its conversion", cancellation.jobId());
    }
  }

  boolean cancelled(UUID job) {
    return cancelled.containsKey(job);
  }

  /**
   * Waits until this worker has read every cancellation the topic held at the first call, so a
   * worker that starts with a backlog of requests does not convert a job cancelled before it
   * started. Later calls return at once; the listener keeps up from then on. Returns early when the
   * thread is interrupted (the worker stopping), and goes on after {@link #BACKLOG_LIMIT} or when
   * Kafka cannot say how much there is, with a warning.
   */
  void awaitBacklog() {
    if (backlogRead) {
      return;
    }
    synchronized (this) {
      if (backlogRead) {
        return;
      }
      Map<Integer, Long> ends;
      try {
        ends = backlog();
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        log.warn("cannot tell how many cancellations {} holds: taking requests anyway", topic, e);
        backlogRead = true;
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      long started = System.nanoTime();
      while (!hasRead(ends) && System.nanoTime() - started < BACKLOG_LIMIT.toNanos()) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      if (hasRead(ends)) {
        log.info(
            "{} cancellation(s) known, read in {} ms: taking requests",
            cancelled.size(),
            (System.nanoTime() - started) / 1_000_000);
      } else {
        log.warn(
            "read cancellations up to {} of {} in {}: taking requests anyway",
            readUpTo,
            ends,
            BACKLOG_LIMIT);
      }
      backlogRead = true;
    }
  }

  private boolean hasRead(Map<Integer, Long> ends) {
    return ends.entrySet().stream()
        .allMatch(e -> readUpTo.getOrDefault(e.getKey(), 0L) >= e.getValue());
  }

  /**
   * Per partition that holds cancellations, the offset after its last one. Partitions that are
   * empty, or whose records retention deleted, are left out: there is nothing to read in them.
   */
  private Map<Integer, Long> backlog()
      throws ExecutionException, InterruptedException, TimeoutException {
    try (Admin admin = Admin.create(kafka.getConfigurationProperties())) {
      Map<String, TopicDescription> described =
          admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS);
      List<TopicPartition> partitions =
          described.get(topic).partitions().stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      Map<TopicPartition, ListOffsetsResultInfo> earliest =
          offsets(admin, partitions, OffsetSpec.earliest());
      Map<TopicPartition, ListOffsetsResultInfo> latest =
          offsets(admin, partitions, OffsetSpec.latest());
      Map<Integer, Long> ends = new HashMap<>();
      for (TopicPartition p : partitions) {
        long end = latest.get(p).offset();
        if (end > earliest.get(p).offset()) {
          ends.put(p.partition(), end);
        }
      }
      return ends;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return Map.of(); // nothing was ever cancelled
      }
      throw e;
    }
  }

  private static Map<TopicPartition, ListOffsetsResultInfo> offsets(
      Admin admin, List<TopicPartition> partitions, OffsetSpec spec)
      throws ExecutionException, InterruptedException, TimeoutException {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(p -> request.put(p, spec));
    return admin.listOffsets(request).all().get(10, TimeUnit.SECONDS);
  }
}
