package dev.autoconvert.rules.outbox;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Writes messages to the transactional outbox. Only inside the caller's transaction: the message
 * exists exactly when the business rows that caused it do (invariant 2).
 */
@Component
public class Outbox {
  private final JdbcClient jdbc;

  Outbox(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Transactional(propagation = Propagation.MANDATORY)
  public void append(UUID aggregateId, String topic, String key, byte[] payload) {
    jdbc.sql(
            "INSERT INTO outbox (aggregate_id, topic, message_key, payload, created_at)"
                + " VALUES (?, ?, ?, ?, ?)")
        .params(aggregateId, topic, key, payload, Timestamp.from(Instant.now()))
        .update();
  }
}
