package dev.autoconvert.listener.distribution;

import static dev.autoconvert.listener.intake.JsonFields.array;
import static dev.autoconvert.listener.intake.JsonFields.object;
import static dev.autoconvert.listener.intake.JsonFields.optionalSize;
import static dev.autoconvert.listener.intake.JsonFields.optionalText;
import static dev.autoconvert.listener.intake.JsonFields.text;

import dev.autoconvert.contracts.PushEvent;
import dev.autoconvert.imagespec.MediaTypes;
import dev.autoconvert.listener.intake.IgnoreReason;
import dev.autoconvert.listener.intake.MalformedWebhookException;
import dev.autoconvert.listener.intake.OciNames;
import dev.autoconvert.listener.intake.Triage;
import dev.autoconvert.listener.intake.WebhookFormat;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * CNCF Distribution notification envelopes ({@code notifications/event.go}): {@code {"events":
 * [...]}}, one event per request from 2.8 and 3.x alike, though the envelope allows several. Keeps
 * tagged pushes of image manifests and indexes.
 */
@Component
class DistributionFormat implements WebhookFormat {
  static final String ORIGIN = "distribution";

  /** What a manifest push can carry; blobs arrive as application/octet-stream or layer types. */
  static final Set<String> MANIFEST_MEDIA_TYPES = Set.copyOf(MediaTypes.MANIFEST_ACCEPT);

  @Override
  public String name() {
    return ORIGIN;
  }

  @Override
  public Set<String> mediaTypes() {
    return Set.of(
        "application/vnd.docker.distribution.events.v1+json",
        "application/vnd.docker.distribution.events.v2+json",
        "application/json");
  }

  @Override
  public Triage read(JsonNode body, String registry, Instant receivedAt) {
    if (!body.isObject()) {
      throw new MalformedWebhookException("body must be a JSON object with an events array");
    }
    Triage.Builder triage = new Triage.Builder();
    // Distribution marshals the list with omitempty: an envelope without events is well-formed.
    if (!body.has("events")) {
      return triage.build();
    }
    JsonNode events = array(body, "events", "envelope");
    for (int i = 0; i < events.size(); i++) {
      read(events.get(i), "events[" + i + "]", registry, receivedAt, triage);
    }
    return triage.build();
  }

  private static void read(
      JsonNode event, String where, String registry, Instant receivedAt, Triage.Builder triage) {
    if (!event.isObject()) {
      throw new MalformedWebhookException(where + " must be an object");
    }
    String action = text(event, "action", where);
    if (!"push".equals(action)) {
      triage.ignore(IgnoreReason.NOT_A_PUSH);
      return;
    }
    JsonNode target = object(event, "target", where);
    String mediaType = optionalText(target, "mediaType", where + ".target");
    if (mediaType == null || !MANIFEST_MEDIA_TYPES.contains(mediaType)) {
      triage.ignore(IgnoreReason.NOT_A_MANIFEST);
      return;
    }
    String tag = optionalText(target, "tag", where + ".target");
    if (tag == null || tag.isEmpty()) {
      triage.ignore(IgnoreReason.UNTAGGED);
      return;
    }
    String targetWhere = where + ".target";
    long size = optionalSize(target, "size", targetWhere);
    JsonNode actor = event.get("actor");
    String actorName =
        actor != null && actor.isObject() ? optionalText(actor, "name", where + ".actor") : null;
    triage.keep(
        new PushEvent(
            text(event, "id", where),
            ORIGIN,
            registry,
            OciNames.repository(optionalText(target, "repository", targetWhere), targetWhere),
            OciNames.tag(tag, targetWhere),
            OciNames.digest(optionalText(target, "digest", targetWhere), targetWhere),
            mediaType,
            size > 0 ? size : optionalSize(target, "length", targetWhere),
            timestamp(text(event, "timestamp", where), where),
            actorName == null ? "" : actorName,
            receivedAt));
  }

  private static Instant timestamp(String value, String where) {
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw new MalformedWebhookException(
          where + ".timestamp is not an RFC 3339 time: " + OciNames.quote(value));
    }
  }
}
