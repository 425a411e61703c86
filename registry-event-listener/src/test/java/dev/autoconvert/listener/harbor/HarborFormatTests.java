package dev.autoconvert.listener.harbor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoconvert.contracts.PushEvent;
import dev.autoconvert.listener.intake.IgnoreReason;
import dev.autoconvert.listener.intake.MalformedWebhookException;
import dev.autoconvert.listener.intake.Samples;
import dev.autoconvert.listener.intake.Triage;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HarborFormatTests {
  private static final String REGISTRY = "harbor.example.com";
  private static final Instant RECEIVED = Instant.parse("2026-11-27T05:20:04Z");

  private final HarborFormat format = new HarborFormat();

  private Triage read(String sample) {
    return format.read(Samples.json("harbor/" + sample), REGISTRY, RECEIVED);
  }

  @Test
  void defaultPayloadPushOfATagBecomesOnePushEvent() {
    PushEvent event = read("push-artifact-default.json").kept().get(0);

    assertThat(event.origin()).isEqualTo("harbor");
    assertThat(event.registry()).isEqualTo(REGISTRY);
    assertThat(event.repository()).isEqualTo("library/busybox");
    assertThat(event.tag()).isEqualTo("1.36");
    assertThat(event.digest())
        .isEqualTo("sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b");
    assertThat(event.pushedAt()).isEqualTo(Instant.ofEpochSecond(1795756803));
    assertThat(event.actor()).isEqualTo("ci-robot");
    assertThat(event.mediaType()).isEmpty();
    assertThat(event.receivedAt()).isEqualTo(RECEIVED);
  }

  @Test
  void defaultPayloadRedeliveredGetsTheSameDerivedEventId() {
    // The Default payload carries no id; consumers deduplicate by the derived one.
    String first = read("push-artifact-default.json").kept().get(0).eventId();
    String second = read("push-artifact-default.json").kept().get(0).eventId();
    String other = read("push-artifact-cloudevents.json").kept().get(0).eventId();

    assertThat(first).isEqualTo(second).isNotEqualTo(other).hasSize(36);
  }

  @Test
  void cloudEventPushUsesTheCloudEventIdAndTime() {
    PushEvent event = read("push-artifact-cloudevents.json").kept().get(0);

    assertThat(event.eventId()).isEqualTo("0f5b2e9a-7d63-4c1e-8a4b-2d9e6f1c3b57");
    assertThat(event.key()).isEqualTo("harbor.example.com/platform/api:2.4.1");
    assertThat(event.pushedAt()).isEqualTo(Instant.parse("2026-11-27T05:20:03Z"));
    assertThat(event.actor()).isEqualTo("robot$platform+ci");
  }

  @ParameterizedTest
  @CsvSource({
    "push-artifact-by-digest-default.json, UNTAGGED",
    "push-artifact-by-digest-cloudevents.json, UNTAGGED",
    "pull-artifact-default.json, NOT_A_PUSH",
    "pull-artifact-cloudevents.json, NOT_A_PUSH",
    "delete-artifact-default.json, NOT_A_PUSH",
    "scan-completed-cloudevents.json, NOT_A_PUSH"
  })
  void pushesByDigestAndOtherEventTypesAreIgnored(String sample, IgnoreReason reason) {
    Triage triage = read(sample);

    assertThat(triage.kept()).isEmpty();
    assertThat(triage.ignored()).containsExactly(reason);
  }

  @Test
  void pushWithoutRepositoryIsMalformed() {
    String body =
        "{\"type\": \"PUSH_ARTIFACT\", \"occur_at\": 1, \"event_data\": {\"resources\": []}}";

    assertThatThrownBy(() -> format.read(Samples.parse(body), REGISTRY, RECEIVED))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessage("payload.event_data.repository must be an object");
  }

  @Test
  void cloudEventWithoutTimeIsMalformed() {
    String body =
        "{\"specversion\": \"1.0\", \"id\": \"x\", \"type\": \"harbor.artifact.pushed\","
            + " \"data\": {}}";

    assertThatThrownBy(() -> format.read(Samples.parse(body), REGISTRY, RECEIVED))
        .hasMessage("cloudevent.time is missing");
  }

  @Test
  void payloadWithoutTypeIsMalformed() {
    assertThatThrownBy(() -> format.read(Samples.parse("{\"occur_at\": 1}"), REGISTRY, RECEIVED))
        .hasMessage("payload.type is missing");
  }
}
