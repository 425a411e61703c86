package dev.autoconvert.rules.status;

import dev.autoconvert.contracts.ConversionStatus;
import dev.autoconvert.contracts.JsonCodec;
import dev.autoconvert.contracts.Topics;
import dev.autoconvert.rules.MalformedEventException;
import dev.autoconvert.rules.job.Jobs;
import dev.autoconvert.rules.job.Progression;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;

/**
 * Consumes {@code conversion.status}. Updates only move a job forward, so redelivered and late
 * messages are harmless and need no processed-id record.
 */
@Component
class StatusListener {
  private static final Logger log = LoggerFactory.getLogger(StatusListener.class);

  private final Jobs jobs;

  StatusListener(Jobs jobs) {
    this.jobs = jobs;
  }

  @KafkaListener(
      id = "conversion-status",
      idIsGroup = false,
      topics = "${autoconvert.rules.topics.conversion-status:" + Topics.CONVERSION_STATUS + "}")
  void onStatus(ConsumerRecord<String, byte[]> record) {
    ConversionStatus update;
    try {
      update = JsonCodec.decode(record.value(), ConversionStatus.class);
    } catch (JacksonException | IllegalArgumentException e) {
      throw MalformedEventException.unreadable("status", record, e);
    }
    if (update == null || update.jobId() == null || update.status() == null) {
      throw new MalformedEventException("status update without jobId or status", null);
    }
    Optional<Progression.Effect> effect = jobs.applyStatus(update);
    if (effect.isEmpty()) {
      log.debug("status for unknown job {} ignored", update.jobId());
    } else if (effect.get() == Progression.Effect.MOVE) {
      log.info(
          "job {} -> {} (attempt {}, worker {})",
          update.jobId(),
          update.status(),
          update.attempt(),
          update.workerId());
    }
  }
}
