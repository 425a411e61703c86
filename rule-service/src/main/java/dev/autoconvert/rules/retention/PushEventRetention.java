package dev.autoconvert.rules.retention;

import dev.autoconvert.rules.RulesProperties;
import java.sql.Timestamp;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes processed push event ids past their retention ({@link RulesProperties.PushEvents} says
 * why it is long enough), in batches of one transaction each. Events that opened jobs stay as long
 * as the jobs refer to them ({@code conversion_jobs.push_event_id}) and go with them ({@link
 * JobRetention}). Several instances purge at once without waiting on each other ({@code SKIP
 * LOCKED}).
 */
@Component
class PushEventRetention {
  private static final Logger log = LoggerFactory.getLogger(PushEventRetention.class);

  private final JdbcClient jdbc;
  private final RulesProperties.PushEvents config;

  PushEventRetention(JdbcClient jdbc, RulesProperties properties) {
    this.jdbc = jdbc;
    this.config = properties.pushEvents();
  }

  @Scheduled(
      fixedDelayString = "${autoconvert.rules.push-events.purge-interval:1h}",
      initialDelayString = "${autoconvert.rules.push-events.purge-interval:1h}")
  void scheduledPurge() {
    Purges.scheduled(log, "push events", config.retention(), () -> purge(Instant.now()));
  }

  /** Deletes the rows recorded before {@code now} minus the retention; returns how many. */
  long purge(Instant now) {
    Timestamp cutoff = Timestamp.from(now.minus(config.retention()));
    // MATCHED events are the ones with jobs (V4's partial index leaves them out); NOT EXISTS
    // keeps any other referenced row from failing a whole batch on the foreign key.
    return Purges.untilShort(
        config.purgeBatchSize(),
        () ->
            jdbc.sql(
                    """
                    DELETE FROM push_events WHERE event_id IN (
                      SELECT p.event_id FROM push_events p
                      WHERE p.outcome <> 'MATCHED' AND p.recorded_at < ?
                        AND NOT EXISTS (
                          SELECT 1 FROM conversion_jobs j WHERE j.push_event_id = p.event_id)
                      ORDER BY p.recorded_at
                      LIMIT ?
                      FOR UPDATE SKIP LOCKED)""")
                .params(cutoff, config.purgeBatchSize())
                .update());
  }
}
