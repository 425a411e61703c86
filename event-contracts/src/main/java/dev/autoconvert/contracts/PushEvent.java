package dev.autoconvert.contracts;

import java.time.Instant;

/**
 * One tagged manifest push, normalised from a registry webhook.
 *
 * @param eventId the registry's event id (Distribution {@code events[].id}, Harbor's event id);
 *     deliveries repeat, so consumers deduplicate by it
 * @param origin which webhook format it came from: {@code distribution} or {@code harbor}
 * @param registry registry host[:port] as clients reach it, e.g. {@code 127.0.0.1:5000}
 * @param repository repository path without the host, e.g. {@code team/app}
 * @param tag the pushed tag
 * @param digest manifest digest ({@code sha256:...})
 * @param mediaType manifest or index media type
 * @param size manifest size in bytes, 0 when the registry did not say
 * @param pushedAt when the registry saw the push
 * @param actor who pushed, empty when anonymous
 * @param receivedAt when the listener accepted the webhook
 */
public record PushEvent(
    String eventId,
    String origin,
    String registry,
    String repository,
    String tag,
    String digest,
    String mediaType,
    long size,
    Instant pushedAt,
    String actor,
    Instant receivedAt) {

  /** Kafka key: all pushes of one tag land on one partition, in order. */
  public String key() {
    return registry + "/" + repository + ":" + tag;
  }
}
