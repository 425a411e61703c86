package dev.autoconvert.listener.publish;

/** Kafka did not acknowledge every event of a webhook in time; the webhook must not get a 2xx. */
public class KafkaUnavailableException extends Exception {
  public KafkaUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
