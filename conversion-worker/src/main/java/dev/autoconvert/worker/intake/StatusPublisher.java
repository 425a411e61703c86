package dev.autoconvert.worker.intake;

import dev.autoconvert.contracts.ConversionStatus;
import dev.autoconvert.contracts.JsonCodec;
import dev.autoconvert.worker.WorkerProperties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Sends status updates and waits for Kafka's acknowledgement, so that a request is only
 * acknowledged after its final status is durable (DESIGN.md invariant 4).
 */
@Component
class StatusPublisher {
  private static final long SEND_TIMEOUT_SECONDS = 30;

  private final KafkaTemplate<String, byte[]> kafka;
  private final String topic;

  StatusPublisher(KafkaTemplate<String, byte[]> kafka, WorkerProperties properties) {
    this.kafka = kafka;
    this.topic = properties.statusTopic();
  }

  void publish(ConversionStatus status) {
    try {
      kafka
          .send(topic, status.jobId().toString(), JsonCodec.encode(status))
          .get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StatusNotSentException(status, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new StatusNotSentException(status, e);
    }
  }

  /** Kafka did not take a status update; the request stays unacknowledged and comes again. */
  static final class StatusNotSentException extends RuntimeException {
    StatusNotSentException(ConversionStatus status, Exception cause) {
      super("send %s status of job %s to Kafka".formatted(status.status(), status.jobId()), cause);
    }
  }
}
