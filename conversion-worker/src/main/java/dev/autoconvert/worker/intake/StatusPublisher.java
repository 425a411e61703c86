package dev.autoconvert.worker.intake;

import dev.autoconvert.contracts.ConversionRequest;
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
 * acknowledged after its final status is durable (DESIGN.md invariant 4); and sends a request
 * handed over by a stopping worker back to the requests topic the same way.
 */
@Component
class StatusPublisher {
  private static final long SEND_TIMEOUT_SECONDS = 30;

  private final KafkaTemplate<String, byte[]> kafka;
  private final String statusTopic;
  private final String requestsTopic;

  StatusPublisher(KafkaTemplate<String, byte[]> kafka, WorkerProperties properties) {
    this.kafka = kafka;
    this.statusTopic = properties.statusTopic();
    this.requestsTopic = properties.requestsTopic();
  }

  void publish(ConversionStatus status) {
    send(
        statusTopic,
        status.jobId().toString(),
        JsonCodec.encode(status),
        "%s status of job %s".formatted(status.status(), status.jobId()));
  }

  /** Queues the request again, under its key: behind later pushes to the same tag. */
  void requeue(ConversionRequest request) {
    send(
        requestsTopic,
        request.key(),
        JsonCodec.encode(request),
        "attempt %d of job %s".formatted(request.attempt(), request.jobId()));
  }

  private void send(String topic, String key, byte[] value, String what) {
    try {
      kafka.send(topic, key, value).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NotSentException(what, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new NotSentException(what, e);
    }
  }

  /** Kafka did not take a message; the request stays unacknowledged and comes again. */
  static final class NotSentException extends RuntimeException {
    NotSentException(String what, Exception cause) {
      super("send " + what + " to Kafka", cause);
    }
  }
}
