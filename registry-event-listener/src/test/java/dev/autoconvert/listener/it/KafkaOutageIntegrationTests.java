package dev.autoconvert.listener.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.contracts.PushEvent;
import dev.autoconvert.testsupport.kafka.KafkaBroker;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * DESIGN invariant 1 on the listener's side: an accepted webhook is never lost. The listener runs
 * with its production timeouts against a Kafka broker of its own (a separate JVM, {@link
 * KafkaBroker}) that is stopped and started again while webhooks keep arriving.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "autoconvert.listener.webhook-token=" + KafkaOutageIntegrationTests.TOKEN)
@DirtiesContext
class KafkaOutageIntegrationTests {
  static final String TOPIC = PushEventsTopic.newTopicName();

  static final String TOKEN = "outage-token";

  /** A registry gives up on a webhook after 1 s by default and then counts it as failed. */
  static final Duration REGISTRY_TIMEOUT = Duration.ofSeconds(1);

  static KafkaBroker broker;

  @DynamicPropertySource
  static void kafka(DynamicPropertyRegistry registry) {
    broker = KafkaBroker.start("listener-outage");
    registry.add("spring.kafka.bootstrap-servers", broker::bootstrapServers);
    registry.add("autoconvert.listener.push-events-topic", () -> TOPIC);
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Value("${local.server.port}")
  int port;

  record Answer(String eventId, int status, Duration took) {}

  @Test
  void whileKafkaIsDownWebhooksGet503FastAndEveryAcknowledgedEventIsStoredOnceItIsBack()
      throws Exception {
    Webhooks webhooks = new Webhooks(port);
    String namespace = Webhooks.uniqueNamespace("outage");
    ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    AtomicBoolean sending = new AtomicBoolean(true);
    // A registry that keeps pushing new images through the outage, one webhook at a time.
    Thread registry =
        new Thread(
            () -> {
              for (int i = 0; sending.get(); i++) {
                answers.add(deliver(webhooks, "bg-" + i + "-" + UUID.randomUUID(), namespace));
              }
            },
            "registry-notifier");

    List<Answer> beforeOutage = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      beforeOutage.add(awaitAccepted(webhooks, "up-" + i + "-" + UUID.randomUUID(), namespace));
    }
    registry.start();

    broker.stop();
    List<Answer> duringOutage = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      duringOutage.add(deliver(webhooks, "down-" + i + "-" + UUID.randomUUID(), namespace));
    }

    broker.start();
    // As the registry does: deliver the refused events again until they are accepted.
    List<Answer> redelivered = new ArrayList<>();
    for (Answer refused : duringOutage) {
      redelivered.add(awaitAccepted(webhooks, refused.eventId(), namespace));
    }
    Thread.sleep(500); // let the background registry get some webhooks through after recovery
    sending.set(false);
    registry.join();

    assertThat(beforeOutage).extracting(Answer::status).containsOnly(202);
    assertThat(duringOutage).extracting(Answer::status).containsOnly(503);
    assertThat(duringOutage).allSatisfy(a -> assertThat(a.took()).isLessThan(REGISTRY_TIMEOUT));
    List<Answer> background = List.copyOf(answers);
    assertThat(background)
        .filteredOn(a -> a.status() == 503)
        .allSatisfy(a -> assertThat(a.took()).isLessThan(REGISTRY_TIMEOUT));
    assertThat(background).extracting(Answer::status).containsOnly(202, 503);
    System.out.printf(
        "outage figures: %d background webhooks, %d answered 503, slowest 503 %d ms,"
            + " slowest 503 of the three during the outage %d ms%n",
        background.size(),
        background.stream().filter(a -> a.status() == 503).count(),
        background.stream()
            .filter(a -> a.status() == 503)
            .mapToLong(a -> a.took().toMillis())
            .max()
            .orElse(0),
        duringOutage.stream().mapToLong(a -> a.took().toMillis()).max().orElse(0));

    Set<String> acknowledged = new HashSet<>();
    beforeOutage.forEach(a -> acknowledged.add(a.eventId()));
    redelivered.forEach(a -> acknowledged.add(a.eventId()));
    background.stream().filter(a -> a.status() == 202).forEach(a -> acknowledged.add(a.eventId()));

    try (PushEventsTopic topic = PushEventsTopic.fromBeginning(broker.bootstrapServers(), TOPIC)) {
      Set<String> stored =
          topic
              .within(
                  event -> event.repository().startsWith(namespace + "/"), Duration.ofSeconds(5))
              .stream()
              .map(PushEventsTopic::decode)
              .map(PushEvent::eventId)
              .collect(Collectors.toSet());
      assertThat(stored).as("every event answered 2xx is in Kafka").containsAll(acknowledged);
      assertThat(acknowledged)
          .as("all events delivered before and after the outage")
          .hasSizeGreaterThanOrEqualTo(6);
    }
  }

  private static Answer deliver(Webhooks webhooks, String eventId, String namespace) {
    long start = System.nanoTime();
    HttpResponse<String> response =
        webhooks.post(
            "/webhooks/distribution",
            Webhooks.DISTRIBUTION_V1,
            TOKEN,
            Webhooks.distributionPush(eventId, namespace + "/app", "v1"));
    return new Answer(eventId, response.statusCode(), Duration.ofNanos(System.nanoTime() - start));
  }

  private static Answer awaitAccepted(Webhooks webhooks, String eventId, String namespace)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    Answer answer = deliver(webhooks, eventId, namespace);
    while (answer.status() != 202 && System.nanoTime() < deadline) {
      Thread.sleep(200);
      answer = deliver(webhooks, eventId, namespace);
    }
    assertThat(answer.status()).as("delivery of %s once Kafka is up", eventId).isEqualTo(202);
    return answer;
  }
}
