package dev.autoconvert.rules.outbox;

import dev.autoconvert.rules.RulesProperties;
import dev.autoconvert.rules.job.Jobs;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes outbox rows to Kafka. Rows are claimed with {@code FOR UPDATE SKIP LOCKED} (several
 * instances share the work) and marked sent only after Kafka acknowledged them, so a crash between
 * the two publishes again: delivery is at least once and workers deduplicate by job id.
 */
@Component
class OutboxRelay {
  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

  private final JdbcClient jdbc;
  private final KafkaTemplate<String, byte[]> kafka;
  private final TransactionTemplate tx;
  private final Jobs jobs;
  private final RulesProperties.Outbox config;

  OutboxRelay(
      JdbcClient jdbc,
      KafkaTemplate<String, byte[]> kafka,
      TransactionTemplate tx,
      Jobs jobs,
      RulesProperties properties) {
    this.jdbc = jdbc;
    this.kafka = kafka;
    this.tx = tx;
    this.jobs = jobs;
    this.config = properties.outbox();
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

  /** Publishes one batch in one transaction; returns how many rows it sent. */
  int relayBatch() {
    Integer sent =
        tx.execute(
            status -> {
              List<Row> rows =
                  jdbc.sql(
                          "SELECT id, aggregate_id, topic, message_key, payload FROM outbox"
                              + " WHERE sent_at IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED")
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
              List<CompletableFuture<?>> acks = new ArrayList<>(rows.size());
              for (Row row : rows) {
                acks.add(kafka.send(row.topic(), row.key(), row.payload()));
              }
              await(acks, config.sendTimeout());
              jdbc.sql("UPDATE outbox SET sent_at = now() WHERE id IN (:ids)")
                  .param("ids", rows.stream().map(Row::id).toList())
                  .update();
              jobs.markQueued(rows.stream().map(Row::aggregateId).toList());
              return rows.size();
            });
    return sent == null ? 0 : sent;
  }

  /** Deletes rows sent longer ago than the retention; unsent rows are never deleted. */
  @Scheduled(fixedDelay = 1, timeUnit = TimeUnit.HOURS, initialDelay = 1)
  int purgeSent() {
    return jdbc.sql("DELETE FROM outbox WHERE sent_at < ?")
        .param(Timestamp.from(Instant.now().minus(config.retention())))
        .update();
  }

  private static void await(List<CompletableFuture<?>> acks, Duration timeout) {
    try {
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Kafka to acknowledge", e);
    } catch (Exception e) {
      throw new IllegalStateException("Kafka did not acknowledge the outbox batch", e);
    }
  }
}
