package dev.autoconvert.listener.intake;

import java.time.Instant;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** One registry's webhook format: which media types it is sent with and how to read it. */
public interface WebhookFormat {

  /** The path segment and metric tag: {@code distribution} or {@code harbor}. */
  String name();

  /** Content types this format arrives with (compared without parameters, ignoring case). */
  Set<String> mediaTypes();

  /**
   * Reads a parsed body.
   *
   * @param body the JSON body
   * @param registry host[:port] of the registry the webhook is configured for
   * @param receivedAt when the listener received the request
   * @throws MalformedWebhookException when the body does not have this format's shape
   */
  Triage read(JsonNode body, String registry, Instant receivedAt);
}
