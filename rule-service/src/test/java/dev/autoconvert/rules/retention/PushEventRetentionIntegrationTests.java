package dev.autoconvert.rules.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.contracts.PushEvent;
import dev.autoconvert.rules.IntegrationTestSupport;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Retention of processed push event ids against the real PostgreSQL (and Kafka, for the
 * redelivery). Purges run at the time the test passes; the tests' batch size is 5 (see {@link
 * IntegrationTestSupport}), the retention the default 14 days.
 */
class PushEventRetentionIntegrationTests extends IntegrationTestSupport {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Autowired PushEventRetention retention;

  private static String insertEvent(String name, String outcome, Duration age) throws SQLException {
    return insertPushEvent(
        "retention-" + RUN + "-" + name, "retention-" + RUN + "/app", outcome, age);
  }

  private static boolean recorded(String eventId) throws SQLException {
    return queryLong("SELECT count(*) FROM push_events WHERE event_id = ?", eventId) > 0;
  }

  @Test
  void eventsPastTheRetentionAreDeletedBatchAfterBatchAndRecentOnesKept() throws Exception {
    List<String> old = new ArrayList<>();
    for (int i = 0; i < 12; i++) { // more than two batches of 5
      old.add(
          insertEvent("old-" + i, i % 2 == 0 ? "UNMATCHED" : "OWN_OUTPUT", Duration.ofDays(20)));
    }
    String recent = insertEvent("recent", "UNMATCHED", Duration.ofDays(13));

    assertThat(retention.purge(Instant.now())).isGreaterThanOrEqualTo(old.size());

    for (String eventId : old) {
      assertThat(recorded(eventId)).as(eventId).isFalse();
    }
    assertThat(recorded(recent)).isTrue();
  }

  @Test
  void eventsThatOpenedJobsStayAsLongAsTheJobsReferToThem() throws Exception {
    String matched = insertEvent("matched", "MATCHED", Duration.ofDays(60));
    try (Connection c = db();
        var sql =
            c.prepareStatement(
                """
                INSERT INTO conversion_jobs (id, trigger, push_event_id, sequence, status,
                  registry, source_repository, source_tag, target_repository, target_tag,
                  options, attempts, created_at, updated_at)
                VALUES (?, 'PUSH', ?, 1, 'SUCCEEDED', ?, 'r', 'v1', 'r', 'v1-nydus', '{}', 1,
                  now(), now())""")) {
      sql.setObject(1, UUID.randomUUID());
      sql.setString(2, matched);
      sql.setString(3, REGISTRY);
      sql.executeUpdate();
    }

    retention.purge(Instant.now());

    assertThat(recorded(matched)).isTrue();
  }

  @Test
  void purgesOfSeveralInstancesSkipRowsTheOthersHold() throws Exception {
    String held = insertEvent("held", "UNMATCHED", Duration.ofDays(30));
    String free = insertEvent("free", "UNMATCHED", Duration.ofDays(30));
    try (HeldRow lock = holdingRow("push_events", "event_id", held)) {
      // returns instead of waiting for the lock
      retention.purge(Instant.now());
      assertThat(recorded(free)).isFalse();
      assertThat(recorded(held)).isTrue();
    }

    retention.purge(Instant.now());

    assertThat(recorded(held)).isFalse();
  }

  @Test
  void redeliveryOfAnEventIdWithinTheRetentionIsStillDeduplicated() throws Exception {
    String repository = "retention-" + RUN + "/redelivered";
    // processed while no rule matched: a redelivery the dedupe missed would make a job now
    PushEvent event = push(repository, "v1", digest("redelivered-v1"));
    publish(event);
    awaitRecorded(event.eventId());
    createRule(Map.of("name", repository, "registry", REGISTRY, "repositoryPattern", repository));

    // ages written rather than waited for; a purge at a later time would delete other tests' rows
    age(event, Duration.ofDays(13));
    retention.purge(Instant.now());
    publishAgainAndDrain(event, "within");

    assertThat(jobsOf(event)).isZero();

    // past the retention the id is forgotten, and the same redelivery converts
    age(event, Duration.ofDays(15));
    retention.purge(Instant.now());
    publishAgainAndDrain(event, "past");

    assertThat(jobsOf(event)).isOne();
  }

  private static void age(PushEvent event, Duration age) throws SQLException {
    try (Connection c = db();
        var sql = c.prepareStatement("UPDATE push_events SET recorded_at = ? WHERE event_id = ?")) {
      sql.setTimestamp(1, Timestamp.from(Instant.now().minus(age)));
      sql.setString(2, event.eventId());
      assertThat(sql.executeUpdate()).isOne();
    }
  }

  /** Publishes {@code event} again, then a marker behind it on its partition, and waits for it. */
  private static void publishAgainAndDrain(PushEvent event, String marker) throws Exception {
    publish(event);
    PushEvent behind = push(event.repository(), event.tag(), digest("marker-" + marker));
    publish(behind);
    awaitRecorded(behind.eventId());
  }

  private static void awaitRecorded(String eventId) throws Exception {
    boolean done =
        await(
            () -> {
              try {
                return recorded(eventId);
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              }
            },
            found -> found,
            WAIT);
    assertThat(done).as("event %s processed", eventId).isTrue();
  }

  private static long jobsOf(PushEvent event) throws SQLException {
    return queryLong(
        "SELECT count(*) FROM conversion_jobs WHERE push_event_id = ?", event.eventId());
  }
}
