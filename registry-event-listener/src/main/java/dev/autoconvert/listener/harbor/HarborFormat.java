package dev.autoconvert.listener.harbor;

import static dev.autoconvert.listener.intake.JsonFields.array;
import static dev.autoconvert.listener.intake.JsonFields.object;
import static dev.autoconvert.listener.intake.JsonFields.optionalText;
import static dev.autoconvert.listener.intake.JsonFields.text;

import dev.autoconvert.contracts.PushEvent;
import dev.autoconvert.listener.intake.IgnoreReason;
import dev.autoconvert.listener.intake.MalformedWebhookException;
import dev.autoconvert.listener.intake.OciNames;
import dev.autoconvert.listener.intake.Triage;
import dev.autoconvert.listener.intake.WebhookFormat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Harbor webhooks ({@code src/pkg/notifier/formats}): the Default payload ({@code "type":
 * "PUSH_ARTIFACT"}, {@code occur_at} in Unix seconds, {@code event_data}) and CloudEvents ({@code
 * "type": "harbor.artifact.pushed"}, {@code data}). Harbor names no media type, so the worker finds
 * out what the artifact is; a push by digest carries the digest in {@code tag} and is not a tag.
 */
@Component
class HarborFormat implements WebhookFormat {
  static final String ORIGIN = "harbor";
  static final String DEFAULT_PUSH = "PUSH_ARTIFACT";
  static final String CLOUDEVENTS_PUSH = "harbor.artifact.pushed";

  @Override
  public String name() {
    return ORIGIN;
  }

  @Override
  public Set<String> mediaTypes() {
    return Set.of("application/json", "application/cloudevents+json");
  }

  @Override
  public Triage read(JsonNode body, String registry, Instant receivedAt) {
    if (!body.isObject()) {
      throw new MalformedWebhookException("body must be a JSON object");
    }
    // Told apart by content rather than Content-Type: a proxy may rewrite the header.
    return body.has("specversion")
        ? readCloudEvent(body, registry, receivedAt)
        : readDefault(body, registry, receivedAt);
  }

  private static Triage readDefault(JsonNode body, String registry, Instant receivedAt) {
    String type = text(body, "type", "payload");
    if (!DEFAULT_PUSH.equals(type)) {
      return ignoredNonPush(body.get("event_data"));
    }
    JsonNode occurAt = body.get("occur_at");
    if (occurAt == null || !occurAt.isIntegralNumber() || !occurAt.canConvertToLong()) {
      throw new MalformedWebhookException("payload.occur_at must be Unix seconds");
    }
    Instant pushedAt = Instant.ofEpochSecond(occurAt.asLong());
    String operator = optionalText(body, "operator", "payload");
    JsonNode data = object(body, "event_data", "payload");
    // The Default payload has no event id: derive one from what identifies the push, so that a
    // redelivery of the same payload has the same id and is deduplicated downstream.
    return readResources(
        data,
        "payload.event_data",
        (repository, tag, digest, index) ->
            UUID.nameUUIDFromBytes(
                    String.join(
                            "\n", type, Long.toString(occurAt.asLong()), repository, tag, digest)
                        .getBytes(StandardCharsets.UTF_8))
                .toString(),
        registry,
        pushedAt,
        operator,
        receivedAt);
  }

  private static Triage readCloudEvent(JsonNode body, String registry, Instant receivedAt) {
    String type = text(body, "type", "cloudevent");
    if (!CLOUDEVENTS_PUSH.equals(type)) {
      return ignoredNonPush(body.get("data"));
    }
    String id = text(body, "id", "cloudevent");
    String time = text(body, "time", "cloudevent");
    Instant pushedAt;
    try {
      pushedAt = OffsetDateTime.parse(time).toInstant();
    } catch (DateTimeParseException e) {
      throw new MalformedWebhookException(
          "cloudevent.time is not an RFC 3339 time: " + OciNames.quote(time));
    }
    String operator = optionalText(body, "operator", "cloudevent");
    JsonNode data = object(body, "data", "cloudevent");
    int resources = array(data, "resources", "cloudevent.data").size();
    return readResources(
        data,
        "cloudevent.data",
        (repository, tag, digest, index) -> resources == 1 ? id : id + "#" + index,
        registry,
        pushedAt,
        operator,
        receivedAt);
  }

  private static Triage ignoredNonPush(JsonNode data) {
    JsonNode resources = data == null ? null : data.get("resources");
    int count = resources != null && resources.isArray() ? Math.max(1, resources.size()) : 1;
    Triage.Builder triage = new Triage.Builder();
    for (int i = 0; i < count; i++) {
      triage.ignore(IgnoreReason.NOT_A_PUSH);
    }
    return triage.build();
  }

  private static Triage readResources(
      JsonNode data,
      String where,
      EventIds ids,
      String registry,
      Instant pushedAt,
      String operator,
      Instant receivedAt) {
    JsonNode repositoryNode = object(data, "repository", where);
    String repository =
        OciNames.repository(
            optionalText(repositoryNode, "repo_full_name", where + ".repository"),
            where + ".repository.repo_full_name");
    JsonNode resources = array(data, "resources", where);
    Triage.Builder triage = new Triage.Builder();
    for (int i = 0; i < resources.size(); i++) {
      String resourceWhere = where + ".resources[" + i + "]";
      JsonNode resource = resources.get(i);
      if (!resource.isObject()) {
        throw new MalformedWebhookException(resourceWhere + " must be an object");
      }
      String tag = optionalText(resource, "tag", resourceWhere);
      if (tag == null || tag.isEmpty() || OciNames.isDigest(tag)) {
        triage.ignore(IgnoreReason.UNTAGGED);
        continue;
      }
      OciNames.tag(tag, resourceWhere);
      String digest =
          OciNames.digest(optionalText(resource, "digest", resourceWhere), resourceWhere);
      triage.keep(
          new PushEvent(
              ids.id(repository, tag, digest, i),
              ORIGIN,
              registry,
              repository,
              tag,
              digest,
              "",
              0,
              pushedAt,
              operator == null ? "" : operator,
              receivedAt));
    }
    return triage.build();
  }

  @FunctionalInterface
  private interface EventIds {
    String id(String repository, String tag, String digest, int index);
  }
}
