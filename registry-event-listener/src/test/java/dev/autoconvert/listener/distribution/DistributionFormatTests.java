package dev.autoconvert.listener.distribution;

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
import org.junit.jupiter.params.provider.ValueSource;

class DistributionFormatTests {
  private static final String REGISTRY = "127.0.0.1:5000";
  private static final Instant RECEIVED = Instant.parse("2026-11-27T05:10:17Z");

  private final DistributionFormat format = new DistributionFormat();

  private Triage read(String sample) {
    return format.read(Samples.json("distribution/" + sample), REGISTRY, RECEIVED);
  }

  @Test
  void taggedOciManifestPushBecomesOnePushEvent() {
    Triage triage = read("push-oci-manifest-tagged.json");

    assertThat(triage.ignored()).isEmpty();
    assertThat(triage.kept())
        .containsExactly(
            new PushEvent(
                "044d4eec-d85e-413e-86ac-f3b70bbc9935",
                "distribution",
                REGISTRY,
                "team/app",
                "v1",
                "sha256:2f6f98ac3ee34e18125c42a9b611b2f0a802b3bcda6a9da91919154b1c6dde08",
                "application/vnd.oci.image.manifest.v1+json",
                345,
                Instant.parse("2026-11-27T05:10:16.764001917Z"),
                "",
                RECEIVED));
  }

  @Test
  void taggedIndexAndDockerManifestPushesAreKept() {
    PushEvent index = read("push-oci-index-tagged.json").kept().get(0);
    PushEvent docker = read("push-docker-manifest-tagged.json").kept().get(0);

    assertThat(index.mediaType()).isEqualTo("application/vnd.oci.image.index.v1+json");
    assertThat(index.key()).isEqualTo("127.0.0.1:5000/team/multi:v2");
    assertThat(docker.mediaType())
        .isEqualTo("application/vnd.docker.distribution.manifest.v2+json");
    assertThat(docker.key()).isEqualTo("127.0.0.1:5000/team/docker:v3");
  }

  @Test
  void distribution3EnvelopeWithAnnotationsAndActorIsKept() {
    PushEvent event = read("v2-push-oci-manifest-tagged.json").kept().get(0);

    assertThat(event.repository()).isEqualTo("platform/api");
    assertThat(event.tag()).isEqualTo("2.4.1");
    assertThat(event.actor()).isEqualTo("ci-bot");
    assertThat(event.size()).isEqualTo(527);
  }

  @ParameterizedTest
  @CsvSource({
    "push-blob.json, NOT_A_MANIFEST",
    "push-child-manifest-untagged.json, UNTAGGED",
    "pull-blob.json, NOT_A_PUSH",
    "pull-manifest-tagged.json, NOT_A_PUSH",
    "mount-blob.json, NOT_A_PUSH",
    "delete-manifest-by-digest.json, NOT_A_PUSH",
    "delete-tag.json, NOT_A_PUSH"
  })
  void eventsOtherThanTaggedManifestPushesAreIgnored(String sample, IgnoreReason reason) {
    Triage triage = read(sample);

    assertThat(triage.kept()).isEmpty();
    assertThat(triage.ignored()).containsExactly(reason);
  }

  @Test
  void multiArchPushKeepsOnlyTheTaggedIndex() {
    Triage triage = read("multi-arch-push-three-events.json");

    assertThat(triage.ignored()).containsExactly(IgnoreReason.UNTAGGED, IgnoreReason.UNTAGGED);
    assertThat(triage.kept()).extracting(PushEvent::tag).containsExactly("v2");
  }

  @Test
  void envelopeWithoutEventsIsWellFormedAndEmpty() {
    // Distribution marshals an empty list away (omitempty).
    assertThat(format.read(Samples.parse("{}"), REGISTRY, RECEIVED).received()).isZero();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[]",
        "{\"events\": {}}",
        "{\"events\": [42]}",
        "{\"events\": [{\"id\": \"e\"}]}",
        "{\"events\": [{\"action\": \"push\"}]}"
      })
  void bodiesWithoutTheEnvelopeShapeAreMalformed(String body) {
    assertThatThrownBy(() -> format.read(Samples.parse(body), REGISTRY, RECEIVED))
        .isInstanceOf(MalformedWebhookException.class);
  }

  @Test
  void keptPushWithInvalidTagIsMalformedAndNamesTheField() {
    String body =
        pushWith("\"tag\": \"-bad tag\", \"digest\": \"sha256:aa\", \"repository\": \"a/b\"");

    assertThatThrownBy(() -> format.read(Samples.parse(body), REGISTRY, RECEIVED))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessage("events[0].target: invalid tag \"-bad tag\"");
  }

  @Test
  void keptPushWithoutDigestIsMalformed() {
    String body = pushWith("\"tag\": \"v1\", \"repository\": \"a/b\"");

    assertThatThrownBy(() -> format.read(Samples.parse(body), REGISTRY, RECEIVED))
        .hasMessage("events[0].target: invalid digest (missing)");
  }

  @Test
  void keptPushWithUppercaseRepositoryIsMalformed() {
    String body =
        pushWith("\"tag\": \"v1\", \"digest\": \"sha256:aa\", \"repository\": \"Team/App\"");

    assertThatThrownBy(() -> format.read(Samples.parse(body), REGISTRY, RECEIVED))
        .hasMessageContaining("invalid repository name \"Team/App\"");
  }

  private static String pushWith(String targetFields) {
    return "{\"events\": [{\"id\": \"e-1\", \"timestamp\": \"2026-11-27T05:00:00Z\","
        + " \"action\": \"push\", \"target\": {\"mediaType\":"
        + " \"application/vnd.oci.image.manifest.v1+json\", "
        + targetFields
        + "}}]}";
  }
}
