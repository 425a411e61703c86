package dev.autoconvert.rules;

/** A Kafka message that can never be processed; it is logged and skipped, not retried. */
public class MalformedEventException extends RuntimeException {
  public MalformedEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
