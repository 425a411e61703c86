package dev.autoconvert.rules.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.rules.IntegrationTestSupport;
import java.sql.Connection;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class OutboxIntegrationTests extends IntegrationTestSupport {
  @Autowired OutboxRelay relay;

  private static void insert(
      UUID aggregate, String topic, String key, Instant createdAt, Instant sentAt)
      throws Exception {
    try (Connection c = db();
        var sql =
            c.prepareStatement(
                "INSERT INTO outbox (aggregate_id, topic, message_key, payload, created_at, sent_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?)")) {
      sql.setObject(1, aggregate);
      sql.setString(2, topic);
      sql.setString(3, key);
      sql.setBytes(4, new byte[] {'{', '}'});
      sql.setTimestamp(5, Timestamp.from(createdAt));
      sql.setTimestamp(6, sentAt == null ? null : Timestamp.from(sentAt));
      sql.executeUpdate();
    }
  }

  @Test
  void sentRowsPastTheRetentionAreDeletedAndRecentOnesKept() throws Exception {
    UUID old = UUID.randomUUID();
    UUID recent = UUID.randomUUID();
    Instant longAgo = Instant.now().minus(Duration.ofDays(30));
    String key = "retention-" + RUN;
    insert(old, "retention-test", key, longAgo, longAgo.plusSeconds(1));
    insert(recent, "retention-test", key, Instant.now(), Instant.now());

    relay.purgeSent();

    assertThat(queryLong("SELECT count(*) FROM outbox WHERE aggregate_id = ?", old)).isZero();
    assertThat(queryLong("SELECT count(*) FROM outbox WHERE aggregate_id = ?", recent)).isOne();
  }

  /**
   * A topic that does not exist (the broker creates none; a topic renamed while rows waited) holds
   * its rows back, not the others: one batch with such a row used to fail whole, for ever.
   */
  @Test
  void rowsOfAMissingTopicWaitWithoutHoldingUpTheOthers() throws Exception {
    UUID stuck = UUID.randomUUID();
    UUID request = UUID.randomUUID();
    String key = "missing-topic-" + RUN;
    insert(stuck, "it-rules-no-such-topic-" + RUN, key, Instant.now(), null);
    insert(request, REQUESTS_TOPIC, key, Instant.now(), null);
    try {
      assertThat(requests(key::equals, 1, Duration.ofSeconds(8))).hasSize(1);
      assertThat(
              queryLong(
                  "SELECT count(*) FROM outbox WHERE aggregate_id = ? AND sent_at IS NOT NULL",
                  request))
          .isOne();
      assertThat(
              queryLong(
                  "SELECT count(*) FROM outbox WHERE aggregate_id = ? AND sent_at IS NULL", stuck))
          .isOne();
    } finally {
      try (Connection c = db();
          var sql = c.prepareStatement("DELETE FROM outbox WHERE aggregate_id = ?")) {
        sql.setObject(1, stuck);
        sql.executeUpdate();
      }
    }
  }
}
