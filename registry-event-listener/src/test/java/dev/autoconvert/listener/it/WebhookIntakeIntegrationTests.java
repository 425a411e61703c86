package dev.autoconvert.listener.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.contracts.JsonCodec;
import dev.autoconvert.contracts.PushEvent;
import dev.autoconvert.testsupport.kafka.TestTopics;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The listener over HTTP against the real Kafka (AUTOCONVERT_TEST_KAFKA, default 127.0.0.1:9092).
 * Every test uses its own repository namespace and reads the topic from where it stood before.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      // As verbose as an operator debugging the listener would make it: tokens must still not show.
      "logging.level.dev.autoconvert=TRACE",
      "logging.level.org.springframework.web=TRACE",
      "logging.level.org.apache.coyote=DEBUG",
      // The 2-core machine is shared by parallel builds and can stall a JVM past 600 ms; the
      // production bound is held in KafkaOutageIntegrationTests.
      "autoconvert.listener.kafka-ack-timeout=3s",
      "spring.kafka.producer.properties.max.block.ms=2000",
      "spring.kafka.producer.properties.request.timeout.ms=2000",
      "spring.kafka.producer.properties.delivery.timeout.ms=4000"
    })
@ExtendWith(OutputCaptureExtension.class)
class WebhookIntakeIntegrationTests {
  static final String TOPIC = PushEventsTopic.newTopicName();

  /** Neither the broker's 3 for topics it creates on first use nor the default 12. */
  static final int PARTITIONS = 5;

  static final String KAFKA =
      System.getenv().getOrDefault("AUTOCONVERT_TEST_KAFKA", "127.0.0.1:9092");
  static final String TOKEN = "it-token-" + UUID.randomUUID();
  static final String HARBOR_TOKEN = "it-harbor-token-" + UUID.randomUUID();

  /** The token the harbor-it registry is being moved to: both are accepted meanwhile. */
  static final String NEXT_HARBOR_TOKEN = "it-harbor-next-" + UUID.randomUUID();

  static final String REGISTRY = "listener-it.test:5000";
  static final String HARBOR_HOST = "harbor-it.test";

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("spring.kafka.bootstrap-servers", () -> KAFKA);
    registry.add("autoconvert.listener.push-events-topic", () -> TOPIC);
    registry.add("autoconvert.listener.push-events-topic-partitions", () -> PARTITIONS);
    registry.add("autoconvert.listener.webhook-token", () -> TOKEN);
    registry.add("autoconvert.listener.default-registry", () -> REGISTRY);
    registry.add("autoconvert.listener.max-body-size", () -> "64KB");
    registry.add("autoconvert.listener.registries.harbor-it.host", () -> HARBOR_HOST);
    registry.add(
        "autoconvert.listener.registries.harbor-it.webhook-token",
        () -> HARBOR_TOKEN + ", " + NEXT_HARBOR_TOKEN);
    // As verbose as an operator debugging the listener would make it: the token must still not
    // show.
    registry.add("logging.level.dev.autoconvert", () -> "TRACE");
    registry.add("logging.level.org.springframework.web", () -> "TRACE");
    registry.add("logging.level.org.apache.coyote", () -> "DEBUG");
  }

  @Value("${local.server.port}")
  int port;

  Webhooks webhooks;
  PushEventsTopic topic;
  String namespace;

  @BeforeEach
  void setUp() {
    webhooks = new Webhooks(port);
    topic = PushEventsTopic.fromNow(KAFKA, TOPIC);
    namespace = Webhooks.uniqueNamespace("it");
  }

  @AfterEach
  void tearDown() {
    topic.close();
  }

  private HttpResponse<String> postDistribution(String sample) {
    return webhooks.post(
        "/webhooks/distribution",
        Webhooks.DISTRIBUTION_V1,
        TOKEN,
        Webhooks.sample("distribution/" + sample, namespace));
  }

  /** The sample of a tagged push to {@code path}, with {@code token} (null: none). */
  private HttpResponse<String> postTaggedPush(String path, String token) {
    return webhooks.post(
        path,
        Webhooks.DISTRIBUTION_V1,
        token,
        Webhooks.sample("distribution/push-oci-manifest-tagged.json", namespace));
  }

  private boolean mine(PushEvent event) {
    return event.repository().startsWith(namespace + "/");
  }

  @Test
  void theListenerCreatesItsTopicWithTheConfiguredPartitions() throws Exception {
    assertThat(TestTopics.partitions(KAFKA, TOPIC)).isEqualTo(PARTITIONS);
  }

  @Test
  void missingTokenIsUnauthorizedAndPublishesNothing() {
    HttpResponse<String> response = postTaggedPush("/webhooks/distribution", null);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(response.body()).contains("\"reason\":\"unauthorized\"");
    assertThat(topic.within(this::mine, Duration.ofSeconds(1))).isEmpty();
  }

  @Test
  void oldAndNewTokenAreBothAcceptedWhileOneIsRotated() {
    for (String token : List.of(HARBOR_TOKEN, NEXT_HARBOR_TOKEN)) {
      HttpResponse<String> response = postTaggedPush("/webhooks/harbor-it/distribution", token);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }
    HttpResponse<String> bothAsOne =
        postTaggedPush("/webhooks/harbor-it/distribution", HARBOR_TOKEN + ", " + NEXT_HARBOR_TOKEN);
    assertThat(bothAsOne.statusCode()).isEqualTo(401);
  }

  @Test
  void wrongTokenIsUnauthorizedAndPublishesNothing() {
    HttpResponse<String> wrong = postTaggedPush("/webhooks/distribution", TOKEN + "x");
    HttpResponse<String> otherRegistrysToken =
        postTaggedPush("/webhooks/harbor-it/distribution", TOKEN);

    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(otherRegistrysToken.statusCode()).isEqualTo(401);
    assertThat(topic.within(this::mine, Duration.ofSeconds(1))).isEmpty();
  }

  @Test
  void bodyThatIsNotJsonIsBadRequestWithAProblemNamingTheReason() {
    HttpResponse<String> response =
        webhooks.post("/webhooks/distribution", Webhooks.DISTRIBUTION_V1, TOKEN, "{\"events\": [");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(response.body())
        .contains("\"reason\":\"malformed\"")
        .contains("\"status\":400")
        .contains("body is not JSON");
  }

  @Test
  void pushWithInvalidTagIsBadRequestNamingTheField() {
    String body =
        Webhooks.distributionPush("e-" + UUID.randomUUID(), namespace + "/app", "bad tag!");

    HttpResponse<String> response =
        webhooks.post("/webhooks/distribution", Webhooks.DISTRIBUTION_V1, TOKEN, body);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("events[0].target: invalid tag");
  }

  @Test
  void bodyOverTheLimitIsContentTooLarge() {
    String padding = "x".repeat(70 * 1024);
    String body = "{\"events\": [], \"padding\": \"" + padding + "\"}";

    HttpResponse<String> response =
        webhooks.post("/webhooks/distribution", Webhooks.DISTRIBUTION_V1, TOKEN, body);

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).contains("\"reason\":\"too_large\"");
  }

  @Test
  void unexpectedContentTypeIsUnsupported() {
    HttpResponse<String> response =
        webhooks.post(
            "/webhooks/distribution",
            "application/x-www-form-urlencoded",
            TOKEN,
            Webhooks.sample("distribution/push-oci-manifest-tagged.json", namespace));

    assertThat(response.statusCode()).isEqualTo(415);
  }

  @Test
  void unknownRegistryIdIsNotFound() {
    HttpResponse<String> response = postTaggedPush("/webhooks/nope/distribution", TOKEN);

    assertThat(response.statusCode()).isEqualTo(404);
  }

  @Test
  void wellFormedEventsThatAreIgnoredAreAcceptedAndPublishNothing() {
    List<String> ignored =
        List.of(
            "push-blob.json",
            "pull-blob.json",
            "pull-manifest-tagged.json",
            "mount-blob.json",
            "push-child-manifest-untagged.json",
            "delete-manifest-by-digest.json",
            "delete-tag.json");

    for (String sample : ignored) {
      HttpResponse<String> response = postDistribution(sample);
      assertThat(response.statusCode()).as(sample).isEqualTo(202);
      assertThat(response.body()).as(sample).contains("\"published\":0").contains("\"ignored\":1");
    }
    HttpResponse<String> harborPull =
        webhooks.post(
            "/webhooks/harbor-it/harbor",
            "application/json",
            HARBOR_TOKEN,
            Webhooks.sample("harbor/pull-artifact-default.json", namespace));
    HttpResponse<String> harborByDigest =
        webhooks.post(
            "/webhooks/harbor-it/harbor",
            "application/cloudevents+json",
            HARBOR_TOKEN,
            Webhooks.sample("harbor/push-artifact-by-digest-cloudevents.json", namespace));

    assertThat(harborPull.statusCode()).isEqualTo(202);
    assertThat(harborByDigest.statusCode()).isEqualTo(202);
    assertThat(topic.within(this::mine, Duration.ofSeconds(2))).isEmpty();
  }

  @Test
  void taggedPushIsPublishedKeyedByRegistryRepositoryAndTag() {
    HttpResponse<String> response = postDistribution("push-oci-manifest-tagged.json");

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.body()).contains("\"published\":1");
    List<ConsumerRecord<String, byte[]>> records =
        topic.await(this::mine, 1, Duration.ofSeconds(10));
    assertThat(records).hasSize(1);
    ConsumerRecord<String, byte[]> record = records.get(0);
    assertThat(record.key()).isEqualTo(REGISTRY + "/" + namespace + "/app:v1");
    PushEvent event = PushEventsTopic.decode(record);
    assertThat(event.eventId()).isEqualTo("044d4eec-d85e-413e-86ac-f3b70bbc9935");
    assertThat(event.origin()).isEqualTo("distribution");
    assertThat(event.registry()).isEqualTo(REGISTRY);
    assertThat(event.digest())
        .isEqualTo("sha256:2f6f98ac3ee34e18125c42a9b611b2f0a802b3bcda6a9da91919154b1c6dde08");
    assertThat(event.mediaType()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
    String json = new String(record.value(), StandardCharsets.UTF_8);
    assertThat(json)
        .contains("\"pushedAt\":\"2026-11-27T05:10:16.764001917Z\"")
        .contains("\"tag\":\"v1\"");
    assertThat(JsonCodec.decode(record.value(), PushEvent.class)).isEqualTo(event);
  }

  @Test
  void distribution3EnvelopeIsAcceptedWithItsV2MediaType() {
    HttpResponse<String> response =
        webhooks.post(
            "/webhooks/distribution",
            "application/vnd.docker.distribution.events.v2+json",
            TOKEN,
            Webhooks.sample("distribution/v2-push-oci-manifest-tagged.json", namespace));

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(topic.await(this::mine, 1, Duration.ofSeconds(10)))
        .extracting(ConsumerRecord::key)
        .containsExactly(REGISTRY + "/" + namespace + "/api:2.4.1");
  }

  @Test
  void redeliveryOfAnAcknowledgedEventIsAcceptedWithoutPublishingAgain() {
    String body = Webhooks.distributionPush("r-" + UUID.randomUUID(), namespace + "/app", "v1");

    HttpResponse<String> first =
        webhooks.post("/webhooks/distribution", Webhooks.DISTRIBUTION_V1, TOKEN, body);
    HttpResponse<String> again =
        webhooks.post("/webhooks/distribution", Webhooks.DISTRIBUTION_V1, TOKEN, body);

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(again.statusCode()).isEqualTo(202);
    assertThat(again.body()).contains("\"published\":0").contains("\"ignored\":1");
    assertThat(topic.await(this::mine, 2, Duration.ofSeconds(3))).hasSize(1);
  }

  @Test
  void multiEventEnvelopePublishesEveryKeptEventOnly() {
    HttpResponse<String> response = postDistribution("multi-arch-push-three-events.json");

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.body()).contains("\"published\":1").contains("\"ignored\":2");
    assertThat(topic.await(this::mine, 1, Duration.ofSeconds(10)))
        .extracting(ConsumerRecord::key)
        .containsExactly(REGISTRY + "/" + namespace + "/multi:v2");
    assertThat(topic.within(this::mine, Duration.ofSeconds(1))).isEmpty();
  }

  @Test
  void envelopeWithSeveralTaggedPushesIsAcknowledgedOnlyWithAllOfThemPublished() {
    String first = Webhooks.distributionPush("a-" + UUID.randomUUID(), namespace + "/one", "v1");
    String second = Webhooks.distributionPush("b-" + UUID.randomUUID(), namespace + "/two", "v2");
    String envelope =
        "{\"events\":["
            + first.substring(first.indexOf('[') + 1, first.lastIndexOf(']'))
            + ","
            + second.substring(second.indexOf('[') + 1, second.lastIndexOf(']'))
            + "]}";

    HttpResponse<String> response =
        webhooks.post("/webhooks/distribution", "application/json", TOKEN, envelope);

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(topic.await(this::mine, 2, Duration.ofSeconds(10)))
        .extracting(ConsumerRecord::key)
        .containsExactlyInAnyOrder(
            REGISTRY + "/" + namespace + "/one:v1", REGISTRY + "/" + namespace + "/two:v2");
  }

  @Test
  void harborPushesInBothPayloadsArePublishedForTheNamedRegistry() {
    HttpResponse<String> defaultPayload =
        webhooks.post(
            "/webhooks/harbor-it/harbor",
            "application/json",
            HARBOR_TOKEN,
            Webhooks.sample("harbor/push-artifact-default.json", namespace));
    HttpResponse<String> cloudEvent =
        webhooks.post(
            "/webhooks/harbor-it/harbor",
            "application/cloudevents+json",
            HARBOR_TOKEN,
            Webhooks.sample("harbor/push-artifact-cloudevents.json", namespace));

    assertThat(defaultPayload.statusCode()).isEqualTo(202);
    assertThat(cloudEvent.statusCode()).isEqualTo(202);
    List<ConsumerRecord<String, byte[]>> records =
        topic.await(this::mine, 2, Duration.ofSeconds(10));
    assertThat(records)
        .extracting(ConsumerRecord::key)
        .containsExactlyInAnyOrder(
            HARBOR_HOST + "/" + namespace + "/busybox:1.36",
            HARBOR_HOST + "/" + namespace + "/api:2.4.1");
    assertThat(records)
        .extracting(record -> PushEventsTopic.decode(record).origin())
        .containsOnly("harbor");
  }

  @Test
  void metricsCountReceivedPublishedIgnoredAndRejected() {
    postDistribution("push-oci-manifest-tagged.json");
    postDistribution("push-blob.json");
    webhooks.post("/webhooks/distribution", Webhooks.DISTRIBUTION_V1, "wrong", "{}");

    String metrics = webhooks.get("/actuator/prometheus").body();

    assertThat(metrics)
        .contains("autoconvert_listener_events_received_total{format=\"distribution\"")
        .contains("autoconvert_listener_events_published_total{format=\"distribution\"")
        .contains("reason=\"not_a_manifest\"")
        .contains("autoconvert_listener_webhooks_rejected_total{")
        .contains("reason=\"unauthorized\"")
        .contains("autoconvert_listener_kafka_ack_seconds");
  }

  @Test
  void healthIsUp() {
    HttpResponse<String> health = webhooks.get("/actuator/health");

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"UP\"");
  }

  @Test
  void tokensNeverAppearInTheLogs(CapturedOutput output) {
    postDistribution("push-oci-manifest-tagged.json");
    postTaggedPush("/webhooks/distribution", TOKEN + "-wrong-guess");
    webhooks.post(
        "/webhooks/harbor-it/harbor",
        "application/json",
        HARBOR_TOKEN,
        Webhooks.sample("harbor/push-artifact-default.json", namespace));

    assertThat(output.getAll())
        .as("the requests were logged at all")
        .contains("POST \"/webhooks/distribution\"")
        .contains("rejected distribution webhook for default: unauthorized")
        .contains("published harbor " + HARBOR_HOST)
        .doesNotContain(TOKEN)
        .doesNotContain(HARBOR_TOKEN);
  }
}
