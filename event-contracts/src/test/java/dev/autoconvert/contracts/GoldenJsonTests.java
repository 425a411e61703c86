package dev.autoconvert.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every message has a checked-in JSON form (src/test/resources/golden): encoding must produce it
 * and decoding it must give the message back. A failing test here means a wire change that other
 * services and stored messages will see.
 */
class GoldenJsonTests {
  private static final JsonMapper PLAIN = JsonMapper.builder().build();

  static final PushEvent PUSH_EVENT =
      new PushEvent(
          "044d4eec-d85e-413e-86ac-f3b70bbc9935",
          "distribution",
          "127.0.0.1:5000",
          "team/app",
          "v1",
          "sha256:2f6f98ac3ee34e18125c42a9b611b2f0a802b3bcda6a9da91919154b1c6dde08",
          "application/vnd.oci.image.manifest.v1+json",
          345,
          Instant.parse("2026-11-27T05:10:16.764001917Z"),
          "",
          Instant.parse("2026-11-27T05:10:16.801Z"));

  static final ConversionRequest CONVERSION_REQUEST =
      new ConversionRequest(
          UUID.fromString("7d1f0e3c-2b1a-4c55-9a51-6f0d8c1e2a44"),
          2,
          41,
          "127.0.0.1:5000",
          "team/app",
          "v1",
          "sha256:2f6f98ac3ee34e18125c42a9b611b2f0a802b3bcda6a9da91919154b1c6dde08",
          "team/app",
          "v1-nydus",
          Instant.parse("2026-11-27T05:10:16.764001917Z"),
          new ConversionOptions(
              "lz4_block",
              4 * 1024 * 1024,
              "sha256",
              List.of("linux/amd64"),
              List.of("/usr"),
              true));

  static final ConversionStatus STATUS_RUNNING =
      new ConversionStatus(
          UUID.fromString("7d1f0e3c-2b1a-4c55-9a51-6f0d8c1e2a44"),
          1,
          JobStatus.RUNNING,
          "worker-1",
          Instant.parse("2026-11-27T05:10:18Z"),
          null,
          null,
          null,
          new ConversionStatus.Progress(1, 3, 1_048_576, 524_288),
          null);

  static final ConversionStatus STATUS_SUCCEEDED =
      new ConversionStatus(
          UUID.fromString("7d1f0e3c-2b1a-4c55-9a51-6f0d8c1e2a44"),
          1,
          JobStatus.SUCCEEDED,
          "worker-1",
          Instant.parse("2026-11-27T05:10:21.250Z"),
          null,
          null,
          "sha256:9c2b6f1d7f7b0c3c1a0c3e4d5f60718293a4b5c6d7e8f90123456789abcdef01",
          new ConversionStatus.Progress(3, 3, 3_145_728, 1_572_864),
          new ConversionStatus.Result(3_145_728, 1_572_864, 2, 1, phases()));

  static final ConversionStatus STATUS_FAILED =
      new ConversionStatus(
          UUID.fromString("7d1f0e3c-2b1a-4c55-9a51-6f0d8c1e2a44"),
          3,
          JobStatus.FAILED,
          "worker-2",
          Instant.parse("2026-11-27T05:11:00Z"),
          FailureCode.LAYER_CORRUPT,
          "layer sha256:4372cb61 of team/app:v1: truncated tar archive at offset 10240",
          null,
          null,
          null);

  private static Map<String, Long> phases() {
    Map<String, Long> phases = new LinkedHashMap<>();
    phases.put("queue", 12L);
    phases.put("pull", 230L);
    phases.put("convert", 1900L);
    phases.put("push", 410L);
    return phases;
  }

  @Test
  void pushEventMatchesGoldenJson() {
    assertGolden("push-event.json", PUSH_EVENT, PushEvent.class);
  }

  @Test
  void conversionRequestMatchesGoldenJson() {
    assertGolden("conversion-request.json", CONVERSION_REQUEST, ConversionRequest.class);
  }

  @Test
  void runningStatusWithProgressMatchesGoldenJson() {
    assertGolden("conversion-status-running.json", STATUS_RUNNING, ConversionStatus.class);
  }

  @Test
  void succeededStatusWithResultMatchesGoldenJson() {
    assertGolden("conversion-status-succeeded.json", STATUS_SUCCEEDED, ConversionStatus.class);
  }

  @Test
  void failedStatusWithCodeMatchesGoldenJson() {
    assertGolden("conversion-status-failed.json", STATUS_FAILED, ConversionStatus.class);
  }

  @Test
  void instantsAreIsoStringsNotNumbers() {
    JsonNode tree = PLAIN.readTree(JsonCodec.encode(PUSH_EVENT));

    assertThat(tree.get("pushedAt").isString()).isTrue();
    assertThat(tree.get("pushedAt").asString()).isEqualTo("2026-11-27T05:10:16.764001917Z");
  }

  @Test
  void decodingToleratesFieldsAddedByNewerProducers() {
    String json =
        """
        {"eventId":"e-1","origin":"harbor","registry":"harbor.example.com","repository":"lib/app",
         "tag":"1.0","digest":"sha256:aa","mediaType":"","size":0,
         "pushedAt":"2026-11-27T05:00:00Z","actor":"admin","receivedAt":"2026-11-27T05:00:01Z",
         "addedLater":{"nested":[1,2,3]},"anotherNewField":"x"}
        """;

    PushEvent decoded = JsonCodec.decode(json.getBytes(StandardCharsets.UTF_8), PushEvent.class);

    assertThat(decoded.eventId()).isEqualTo("e-1");
    assertThat(decoded.pushedAt()).isEqualTo(Instant.parse("2026-11-27T05:00:00Z"));
  }

  @Test
  void pushEventKeyIsRegistryRepositoryAndTag() {
    assertThat(PUSH_EVENT.key()).isEqualTo("127.0.0.1:5000/team/app:v1");
  }

  @Test
  void conversionRequestKeyIsTheTargetReference() {
    assertThat(CONVERSION_REQUEST.key()).isEqualTo("127.0.0.1:5000/team/app:v1-nydus");
  }

  private static <T> void assertGolden(String name, T message, Class<T> type) {
    byte[] golden = golden(name);

    assertThat(PLAIN.readTree(JsonCodec.encode(message)))
        .as("encoding of %s", name)
        .isEqualTo(PLAIN.readTree(golden));
    assertThat(JsonCodec.decode(golden, type)).as("decoding of %s", name).isEqualTo(message);
  }

  private static byte[] golden(String name) {
    try (InputStream in = GoldenJsonTests.class.getResourceAsStream("/golden/" + name)) {
      assertThat(in).as("golden file %s", name).isNotNull();
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read golden file " + name, e);
    }
  }
}
