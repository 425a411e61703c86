package dev.autoconvert.listener.intake;

/**
 * A webhook body that cannot be turned into events: not JSON, not the expected shape, or a push
 * whose repository, tag or digest is missing or invalid. The message names the offending part and
 * is returned to the caller, so it must never contain anything but the body's own content.
 */
public class MalformedWebhookException extends RuntimeException {
  public MalformedWebhookException(String message) {
    super(message);
  }
}
