package dev.autoconvert.rules.notify;

import dev.autoconvert.rules.RulesProperties;
import dev.autoconvert.rules.job.ConversionView;
import dev.autoconvert.rules.job.JobFinished;
import java.util.List;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes one notification per interested endpoint when a job finishes, in the transaction that
 * finishes it ({@link JobFinished}): the {@link NotificationSender} delivers them.
 */
@Component
class NotificationOutbox {
  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final List<RulesProperties.Endpoint> endpoints;

  NotificationOutbox(JdbcClient jdbc, JsonMapper json, RulesProperties properties) {
    this.jdbc = jdbc;
    this.json = json;
    this.endpoints = properties.notifications().endpoints();
  }

  /**
   * What a receiver gets: the event's id (the same for every delivery of it, to deduplicate by) and
   * the conversion as {@code GET /api/v1/conversions/{id}} shows it.
   */
  record Notification(String eventId, String type, ConversionView conversion) {}

  @EventListener
  void finished(JobFinished event) {
    ConversionView job = event.job();
    String eventId = job.id() + "/" + job.status();
    byte[] payload = null;
    for (RulesProperties.Endpoint endpoint : endpoints) {
      if (!endpoint.statuses().isEmpty() && !endpoint.statuses().contains(job.status())) {
        continue;
      }
      if (payload == null) {
        payload = json.writeValueAsBytes(new Notification(eventId, "conversion.finished", job));
      }
      jdbc.sql(
              "INSERT INTO notifications (job_id, event_id, endpoint, payload) VALUES (?, ?, ?, ?)"
                  + " ON CONFLICT (event_id, endpoint) DO NOTHING")
          .params(job.id(), eventId, endpoint.name(), payload)
          .update();
    }
  }
}
