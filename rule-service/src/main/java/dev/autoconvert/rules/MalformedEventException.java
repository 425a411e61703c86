package dev.autoconvert.rules;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A Kafka message that can never be processed; it is logged and skipped, not retried. */
public class MalformedEventException extends RuntimeException {
  public MalformedEventException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A message whose bytes do not decode, naming where it is and why. */
  public static MalformedEventException unreadable(
      String what, ConsumerRecord<?, ?> record, Exception cause) {
    String why = String.valueOf(cause.getMessage()).lines().findFirst().orElse("");
    return new MalformedEventException(
        "unreadable %s at %s-%d@%d: %s"
            .formatted(what, record.topic(), record.partition(), record.offset(), why),
        cause);
  }
}
