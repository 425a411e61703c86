package dev.autoconvert.listener.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.contracts.PushEvent;
import dev.autoconvert.imagespec.MediaTypes;
import dev.autoconvert.testsupport.net.FreePorts;
import dev.autoconvert.testsupport.registry.LocalRegistry;
import dev.autoconvert.testsupport.registry.OciLayout;
import dev.autoconvert.testsupport.registry.TarBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * End to end with a real docker-registry whose notifications point at the listener (as {@code
 * ./autoconvert up} configures it): skopeo pushes an image built as an OCI layout, and its push
 * event arrives in Kafka (AUTOCONVERT_TEST_KAFKA).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@DirtiesContext
class RegistryNotificationsIntegrationTests {
  static final String TOPIC = PushEventsTopic.newTopicName();

  static final String KAFKA = WebhookIntakeIntegrationTests.KAFKA;
  static final String TOKEN = "registry-it-token";

  static LocalRegistry registry;

  @DynamicPropertySource
  static void wiring(DynamicPropertyRegistry properties) throws IOException {
    // The registry needs the listener's URL and the listener the registry's host: fix the port.
    int listenerPort = FreePorts.one();
    registry =
        LocalRegistry.builder()
            .notifications(
                "http://127.0.0.1:" + listenerPort + "/webhooks/distribution",
                Map.of("Authorization", "Bearer " + TOKEN))
            .notificationTiming(Duration.ofSeconds(1), Duration.ofSeconds(1))
            .start();
    properties.add("server.port", () -> listenerPort);
    properties.add("spring.kafka.bootstrap-servers", () -> KAFKA);
    properties.add("autoconvert.listener.push-events-topic", () -> TOPIC);
    properties.add("autoconvert.listener.webhook-token", () -> TOKEN);
    properties.add("autoconvert.listener.default-registry", registry::host);
  }

  @AfterAll
  static void stopRegistry() throws IOException {
    if (registry != null) {
      registry.close();
    }
  }

  PushEventsTopic topic;
  String namespace;

  @BeforeEach
  void openTopic() {
    topic = PushEventsTopic.fromNow(KAFKA, TOPIC);
    namespace = Webhooks.uniqueNamespace("e2e");
  }

  @AfterEach
  void closeTopic() {
    topic.close();
  }

  private boolean mine(PushEvent event) {
    return event.repository().startsWith(namespace + "/");
  }

  @Test
  void skopeoPushOfAnImageArrivesInKafkaAsOnePushEvent(@TempDir Path dir) throws IOException {
    OciLayout layout = OciLayout.create(dir.resolve("layout"));
    OciLayout.Image image =
        layout.image(
            "v1",
            "amd64",
            List.of(
                new TarBuilder().file("etc/motd", "pushed by the listener e2e test\n").build()));

    registry.pushFromLayout(layout.path(), "v1", namespace + "/app:v1");

    List<ConsumerRecord<String, byte[]>> records =
        topic.await(this::mine, 1, Duration.ofSeconds(20));
    assertThat(records).as("push event within 20 s").isNotEmpty();
    PushEvent event = PushEventsTopic.decode(records.get(0));
    assertThat(records.get(0).key()).isEqualTo(registry.host() + "/" + namespace + "/app:v1");
    assertThat(event.registry()).isEqualTo(registry.host());
    assertThat(event.digest()).isEqualTo(image.manifest().digest());
    assertThat(event.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(event.size()).isEqualTo(image.manifest().size());
    assertOnlyRedeliveriesOf(event);
  }

  @Test
  void multiArchPushPublishesOnlyTheTaggedIndex(@TempDir Path dir) throws IOException {
    OciLayout layout = OciLayout.create(dir.resolve("layout"));
    OciLayout.Image amd64 =
        layout.image("amd64", List.of(new TarBuilder().file("arch", "amd64\n").build()));
    OciLayout.Image arm64 =
        layout.image("arm64", List.of(new TarBuilder().file("arch", "arm64\n").build()));
    OciLayout.Blob index = layout.index("multi", List.of(amd64, arm64));

    registry.pushFromLayout(layout.path(), "multi", namespace + "/multi:v2");

    List<ConsumerRecord<String, byte[]>> records =
        topic.await(this::mine, 1, Duration.ofSeconds(20));
    assertThat(records).isNotEmpty();
    PushEvent event = PushEventsTopic.decode(records.get(0));
    assertThat(event.digest()).isEqualTo(index.digest());
    assertThat(event.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
    assertOnlyRedeliveriesOf(event);
  }

  /**
   * Delivery is at least once: a webhook the listener answered 503 (Kafka slower than the ack
   * timeout) may still reach Kafka, and the registry then delivers the same event again. Any
   * further record must be that same event, never another one (the untagged child manifests).
   */
  private void assertOnlyRedeliveriesOf(PushEvent event) {
    assertThat(topic.within(this::mine, Duration.ofSeconds(2)))
        .extracting(record -> PushEventsTopic.decode(record).eventId())
        .allSatisfy(id -> assertThat(id).isEqualTo(event.eventId()));
  }
}
