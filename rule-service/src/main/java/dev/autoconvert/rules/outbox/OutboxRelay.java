package dev.autoconvert.rules.outbox;

import dev.autoconvert.rules.RulesProperties;
import dev.autoconvert.rules.job.Jobs;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes outbox rows to Kafka. Rows are claimed with {@code FOR UPDATE SKIP LOCKED} (several
 * instances share the work) and marked sent only after Kafka acknowledged them, so a crash between
 * the two publishes again: delivery is at least once and workers deduplicate by job id.
 *
 * <p>Rows are marked one by one: those Kafka acknowledged are sent, the others go again at the next
 * poll. A row whose topic does not exist (a broker that creates none, a topic renamed while rows
 * waited) is held back, its topic checked again every {@link #MISSING_TOPIC_RECHECK}, and holds up
 * no other topic: a send to a missing topic would block for the producer's {@code max.block.ms}.
 * Acknowledging row by row may publish a request before an earlier one of the same target that
 * failed; workers order conversions by push sequence (DESIGN.md invariant 3), not by arrival.
 */
@Component
class OutboxRelay {
  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

  /** How long rows of a missing topic wait before it is looked for again. */
  static final Duration MISSING_TOPIC_RECHECK = Duration.ofSeconds(30);

  private final JdbcClient jdbc;
  private final KafkaTemplate<String, byte[]> kafka;
  private final TransactionTemplate tx;
  private final Jobs jobs;
  private final RulesProperties.Outbox config;
  private final KafkaAdmin admin;

  /** Topics seen to exist; one whose sends fail is looked for again. */
  private final Set<String> existing = ConcurrentHashMap.newKeySet();

  /** Missing topics, and when to look for them again. */
  private final Map<String, Instant> missing = new ConcurrentHashMap<>();

  OutboxRelay(
      JdbcClient jdbc,
      KafkaTemplate<String, byte[]> kafka,
      TransactionTemplate tx,
      Jobs jobs,
      RulesProperties properties,
      KafkaAdmin admin) {
    this.jdbc = jdbc;
    this.kafka = kafka;
    this.tx = tx;
    this.jobs = jobs;
    this.config = properties.outbox();
    this.admin = admin;
  }

  private record Row(long id, UUID aggregateId, String topic, String key, byte[] payload) {}

  @Scheduled(fixedDelayString = "${autoconvert.rules.outbox.poll-interval:200ms}")
  void relay() {
    try {
      while (relayBatch() == config.batchSize()) {
        // a full batch: more may be waiting
      }
    } catch (RuntimeException e) {
      log.warn("outbox relay failed, rows stay unsent and are published again: {}", e.toString());
    }
  }

  /** Publishes one batch in one transaction; returns how many rows Kafka acknowledged. */
  int relayBatch() {
    Instant now = Instant.now();
    missing.values().removeIf(recheck -> !recheck.isAfter(now));
    Set<String> held = Set.copyOf(missing.keySet());
    Integer count =
        tx.execute(
            status -> {
              List<Row> rows =
                  jdbc.sql(
                          "SELECT id, aggregate_id, topic, message_key, payload FROM outbox"
                              + " WHERE sent_at IS NULL AND NOT topic = ANY(?)"
                              + " ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED")
                      .param(held.toArray(String[]::new))
                      .param(config.batchSize())
                      .query(
                          (rs, n) ->
                              new Row(
                                  rs.getLong(1),
                                  rs.getObject(2, UUID.class),
                                  rs.getString(3),
                                  rs.getString(4),
                                  rs.getBytes(5)))
                      .list();
              if (rows.isEmpty()) {
                return 0;
              }
              Set<String> absent = new TreeSet<>(absentTopics(rows));
              Map<Row, CompletableFuture<?>> acks = new LinkedHashMap<>();
              for (Row row : rows) {
                if (absent.contains(row.topic())) {
                  continue;
                }
                CompletableFuture<?> ack = kafka.send(row.topic(), row.key(), row.payload());
                acks.put(row, ack);
                if (ack.isCompletedExceptionally()) {
                  // failed before it left: the producer waited for the topic's metadata in vain
                  // (deleted since?), as it would for every other row of it
                  absent.add(row.topic());
                  existing.remove(row.topic());
                }
              }
              List<Row> sent = acknowledged(acks, config.sendTimeout());
              if (!sent.isEmpty()) {
                jdbc.sql("UPDATE outbox SET sent_at = now() WHERE id IN (:ids)")
                    .param("ids", sent.stream().map(Row::id).toList())
                    .update();
                jobs.markQueued(sent.stream().map(Row::aggregateId).toList());
              }
              if (sent.size() < acks.size()) {
                log.warn(
                    "Kafka did not acknowledge {} of {} outbox rows; they go again",
                    acks.size() - sent.size(),
                    acks.size());
              }
              return sent.size();
            });
    return count == null ? 0 : count;
  }

  /**
   * Of the topics {@code rows} go to, those that do not exist; they are held back for {@link
   * #MISSING_TOPIC_RECHECK}. Asks the broker only about topics not seen before.
   */
  private Set<String> absentTopics(List<Row> rows) {
    Set<String> unknown = new TreeSet<>();
    rows.forEach(r -> unknown.add(r.topic()));
    unknown.removeAll(existing);
    if (unknown.isEmpty()) {
      return Set.of();
    }
    Set<String> absent = new TreeSet<>();
    try (Admin client = Admin.create(admin.getConfigurationProperties())) {
      client
          .describeTopics(unknown)
          .topicNameValues()
          .forEach(
              (topic, description) -> {
                try {
                  description.get(config.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
                  existing.add(topic);
                } catch (ExecutionException e) {
                  if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("cannot look up topic " + topic, e.getCause());
                  }
                  absent.add(topic);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new IllegalStateException("interrupted looking up topic " + topic, e);
                } catch (TimeoutException e) {
                  throw new IllegalStateException("cannot look up topic " + topic, e);
                }
              });
    }
    Instant recheck = Instant.now().plus(MISSING_TOPIC_RECHECK);
    for (String topic : absent) {
      missing.put(topic, recheck);
      log.error(
          "outbox rows for topic {} wait: the topic does not exist (looking again in {})",
          topic,
          MISSING_TOPIC_RECHECK);
    }
    return absent;
  }

  /** Waits for the sends; returns the rows Kafka acknowledged, in order. */
  private List<Row> acknowledged(Map<Row, CompletableFuture<?>> acks, Duration timeout) {
    try {
      CompletableFuture.allOf(acks.values().toArray(CompletableFuture[]::new))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Kafka to acknowledge", e);
    } catch (ExecutionException | TimeoutException e) {
      // some failed or are late: those acknowledged so far count
    }
    List<Row> sent = new ArrayList<>();
    acks.forEach(
        (row, ack) -> {
          if (ack.isDone() && !ack.isCompletedExceptionally()) {
            sent.add(row);
          }
        });
    return sent;
  }

  /** Deletes rows sent longer ago than the retention; unsent rows are never deleted. */
  @Scheduled(fixedDelay = 1, timeUnit = TimeUnit.HOURS, initialDelay = 1)
  int purgeSent() {
    return jdbc.sql("DELETE FROM outbox WHERE sent_at < ?")
        .param(Timestamp.from(Instant.now().minus(config.retention())))
        .update();
  }
}
