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

class OutboxRetentionIntegrationTests extends IntegrationTestSupport {
  @Autowired OutboxRelay relay;

  private static void insert(UUID aggregate, Instant createdAt, Instant sentAt) throws Exception {
    try (Connection c = db();
        var sql =
            c.prepareStatement(
                "INSERT INTO outbox (aggregate_id, topic, message_key, payload, created_at, sent_at)"
                    + " VALUES (?, 'retention-test', ?, ?, ?, ?)")) {
      sql.setObject(1, aggregate);
      sql.setString(2, "retention-" + RUN);
      sql.setBytes(3, new byte[] {'{', '}'});
      sql.setTimestamp(4, Timestamp.from(createdAt));
      sql.setTimestamp(5, sentAt == null ? null : Timestamp.from(sentAt));
      sql.executeUpdate();
    }
  }

  @Test
  void sentRowsPastTheRetentionAreDeletedAndRecentOnesKept() throws Exception {
    UUID old = UUID.randomUUID();
    UUID recent = UUID.randomUUID();
    Instant longAgo = Instant.now().minus(Duration.ofDays(30));
    insert(old, longAgo, longAgo.plusSeconds(1));
    insert(recent, Instant.now(), Instant.now());

    relay.purgeSent();

    assertThat(queryLong("SELECT count(*) FROM outbox WHERE aggregate_id = ?", old)).isZero();
    assertThat(queryLong("SELECT count(*) FROM outbox WHERE aggregate_id = ?", recent)).isOne();
  }
}
