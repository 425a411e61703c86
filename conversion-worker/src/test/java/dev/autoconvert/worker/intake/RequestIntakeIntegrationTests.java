package dev.autoconvert.worker.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.contracts.ConversionCancellation;
import dev.autoconvert.contracts.ConversionOptions;
import dev.autoconvert.contracts.ConversionRequest;
import dev.autoconvert.contracts.ConversionStatus;
import dev.autoconvert.contracts.FailureCode;
import dev.autoconvert.contracts.JobStatus;
import dev.autoconvert.testsupport.kafka.TestTopics;
import dev.autoconvert.worker.conversion.ConversionException;
import dev.autoconvert.worker.conversion.ImageConversion;
import dev.autoconvert.worker.conversion.Outcome;
import dev.autoconvert.worker.testing.KafkaTestSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Kafka side of the worker against the real broker: statuses in order, retries of transient
 * failures, permanent failures at once. The conversion itself is scripted here; the real pipeline
 * is covered by the end-to-end tests.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RequestIntakeIntegrationTests {
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String REQUESTS = "it-intake-requests-" + RUN;
  private static final String STATUS = "it-intake-status-" + RUN;
  private static final String CANCELLATIONS = "it-intake-cancellations-" + RUN;
  private static KafkaTestSupport kafka;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("spring.kafka.bootstrap-servers", KafkaTestSupport::bootstrapServers);
    registry.add("spring.kafka.consumer.group-id", () -> "it-intake-" + RUN);
    registry.add("autoconvert.worker.requests-topic", () -> REQUESTS);
    registry.add("autoconvert.worker.status-topic", () -> STATUS);
    registry.add("autoconvert.worker.cancellations-topic", () -> CANCELLATIONS);
    registry.add("autoconvert.worker.id", () -> "intake-test-worker");
    registry.add("autoconvert.worker.retry.initial-backoff", () -> "50ms");
    registry.add("autoconvert.worker.retry.max-attempts", () -> "3");
  }

  /** Cancelled before the worker started, behind many other cancellations. */
  private static final UUID CANCELLED_BEFORE_START = UUID.randomUUID();

  private static final String BACKLOG_KEY = "backlog-" + RUN;
  private static UUID afterBacklog;

  @BeforeAll
  static void startKafkaClients() {
    kafka = new KafkaTestSupport(STATUS);
    // What a worker that starts after a pause finds: cancellations of many jobs, one of them
    // queued, and a request after it (the Spring context, so the worker, starts after this)
    Map<String, ConversionCancellation> backlog = new LinkedHashMap<>();
    for (int i = 0; i < 20_000; i++) {
      ConversionCancellation old = new ConversionCancellation(UUID.randomUUID(), Instant.now());
      backlog.put(old.key(), old);
    }
    ConversionCancellation last = new ConversionCancellation(CANCELLED_BEFORE_START, Instant.now());
    backlog.put(last.key(), last);
    kafka.sendAll(CANCELLATIONS, backlog);
    send(CANCELLED_BEFORE_START, "ok", BACKLOG_KEY);
    afterBacklog = send(UUID.randomUUID(), "ok", BACKLOG_KEY);
  }

  @AfterAll
  static void stopKafkaClients() {
    kafka.close();
  }

  @Autowired KafkaListenerEndpointRegistry listeners;
  @Autowired Cancellations cancellations;

  @Value("${local.server.port}")
  int port;

  @Test
  void actuatorServesHealthAndConversionMetricsForPrometheus() throws Exception {
    kafka.awaitTerminal(send("corrupt"), Duration.ofSeconds(30));
    kafka.awaitTerminal(send("ok"), Duration.ofSeconds(30));
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"UP\"");
    String metrics =
        http.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(metrics)
        .contains("autoconvert_worker_conversions_total{code=\"LAYER_CORRUPT\",status=\"FAILED\"}")
        .contains("autoconvert_worker_conversions_total{code=\"none\",status=\"SUCCEEDED\"}")
        .contains("autoconvert_worker_phase_seconds_count{phase=\"pull\"}")
        .contains("autoconvert_worker_phase_seconds_count{phase=\"queue\"}")
        .contains("autoconvert_worker_layers_total{source=\"converted\"}")
        .contains("autoconvert_worker_layers_total{source=\"cache\"}")
        .contains("autoconvert_worker_bytes_total{direction=\"in\"}")
        .contains("autoconvert_worker_bytes_total{direction=\"out\"}");
  }

  @Test
  void requestsAreConsumedInTheConfiguredGroupAndCancellationsInAGroupOfThisWorkersOwn() {
    assertThat(listeners.getListenerContainer("conversion-requests").getGroupId())
        .isEqualTo("it-intake-" + RUN);
    // a group shared by two workers would split the cancellations between them
    assertThat(listeners.getListenerContainer("conversion-cancellations").getGroupId())
        .matches("conversion-worker-cancellations-[0-9a-f]{8}-[0-9a-f]{4}-.*");
  }

  /** The broker would give a topic it creates on first use 3 partitions, not the worker's 12. */
  @Test
  void theStatusTopicExistsWithTheConfiguredPartitions() throws Exception {
    assertThat(TestTopics.partitions(KafkaTestSupport.bootstrapServers(), STATUS)).isEqualTo(12);
  }

  @Test
  void successfulConversionReportsRunningThenSucceededWithQueueTime() {
    UUID job = send("ok");
    List<ConversionStatus> updates = kafka.awaitTerminal(job, Duration.ofSeconds(30));
    assertThat(updates)
        .extracting(ConversionStatus::status)
        .containsExactly(JobStatus.RUNNING, JobStatus.RUNNING, JobStatus.SUCCEEDED);
    assertThat(updates.get(1).targetDigest()).isEqualTo("sha256:" + "ab".repeat(32));
    ConversionStatus done = updates.get(2);
    assertThat(done.workerId()).isEqualTo("intake-test-worker");
    assertThat(done.result().phaseMillis()).containsKeys("queue", "pull");
    assertThat(done.result().layersConverted()).isEqualTo(2);
  }

  @Test
  void transientFailureIsRetriedWithBackoffAndThenSucceeds() {
    UUID job = send("flaky");
    List<ConversionStatus> updates = kafka.awaitTerminal(job, Duration.ofSeconds(30));
    assertThat(updates)
        .extracting(ConversionStatus::status)
        .containsExactly(
            JobStatus.RUNNING,
            JobStatus.RETRYING,
            JobStatus.RUNNING,
            JobStatus.RETRYING,
            JobStatus.RUNNING,
            JobStatus.RUNNING,
            JobStatus.SUCCEEDED);
    assertThat(updates.get(1).failureCode()).isEqualTo(FailureCode.REGISTRY_UNAVAILABLE);
    assertThat(updates).extracting(ConversionStatus::attempt).containsExactly(1, 1, 2, 2, 3, 3, 3);
  }

  @Test
  void permanentFailureFailsAtOnceWithItsCode() {
    UUID job = send("corrupt");
    List<ConversionStatus> updates = kafka.awaitTerminal(job, Duration.ofSeconds(30));
    assertThat(updates)
        .extracting(ConversionStatus::status)
        .containsExactly(JobStatus.RUNNING, JobStatus.FAILED);
    assertThat(updates.get(1).failureCode()).isEqualTo(FailureCode.LAYER_CORRUPT);
    assertThat(updates.get(1).reason()).contains("layer sha256:");
  }

  @Test
  void transientFailureThatPersistsEndsWithRetriesExhausted() {
    UUID job = send("down");
    List<ConversionStatus> updates = kafka.awaitTerminal(job, Duration.ofSeconds(30));
    assertThat(updates)
        .extracting(ConversionStatus::status)
        .containsExactly(
            JobStatus.RUNNING,
            JobStatus.RETRYING,
            JobStatus.RUNNING,
            JobStatus.RETRYING,
            JobStatus.RUNNING,
            JobStatus.FAILED);
    assertThat(updates.get(5).failureCode()).isEqualTo(FailureCode.RETRIES_EXHAUSTED);
    assertThat(updates.get(5).reason()).contains("REGISTRY_UNAVAILABLE");
  }

  @Test
  void unexpectedErrorFailsAsInternalErrorAndTheNextRequestStillRuns() {
    UUID broken = send("bug");
    UUID next = send("skip");
    assertThat(kafka.awaitTerminal(broken, Duration.ofSeconds(30)).get(1).failureCode())
        .isEqualTo(FailureCode.INTERNAL_ERROR);
    List<ConversionStatus> updates = kafka.awaitTerminal(next, Duration.ofSeconds(30));
    assertThat(updates.get(updates.size() - 1).status()).isEqualTo(JobStatus.SKIPPED);
    assertThat(updates.get(updates.size() - 1).reason()).isEqualTo("already Nydus");
  }

  @Test
  void aCancelledJobsRequestIsSkippedAndTheNextOneOfItsKeyRuns() throws Exception {
    UUID cancelled = UUID.randomUUID();
    cancel(cancelled);
    String key = "cancelled-before-" + RUN;

    send(cancelled, "ok", key);
    UUID next = send(UUID.randomUUID(), "ok", key);

    assertThat(kafka.awaitTerminal(next, Duration.ofSeconds(30))).isNotEmpty();
    assertThat(kafka.updates(cancelled)).isEmpty();
    assertThat(ScriptedConversion.started).doesNotContain(cancelled);
  }

  @Test
  void aWorkerStartingWithABacklogSkipsARequestCancelledBeforeItStarted() {
    assertThat(kafka.awaitTerminal(afterBacklog, Duration.ofSeconds(60))).isNotEmpty();
    assertThat(kafka.updates(CANCELLED_BEFORE_START)).isEmpty();
    assertThat(ScriptedConversion.started).doesNotContain(CANCELLED_BEFORE_START);
  }

  @Test
  void aCancelledJobsConversionStopsBeforeItsTagMovesAndTheWorkerGoesOn() throws Exception {
    String key = "cancelled-running-" + RUN;
    UUID slow = send(UUID.randomUUID(), "slow", key);
    kafka.await(
        slow, Duration.ofSeconds(30), u -> u.status() == JobStatus.RUNNING, "the slow one runs");

    cancel(slow);
    UUID next = send(UUID.randomUUID(), "ok", key);

    // the same key, so the same consumer thread: it let the cancelled conversion go
    assertThat(kafka.awaitTerminal(next, Duration.ofSeconds(30))).isNotEmpty();
    assertThat(ScriptedConversion.interrupted).contains(slow);
    assertThat(kafka.updates(slow))
        .extracting(ConversionStatus::status)
        .containsExactly(JobStatus.RUNNING);
  }

  /** Sends a cancellation as rule-service does, and waits until the worker holds it. */
  private void cancel(UUID job) throws InterruptedException {
    ConversionCancellation cancellation = new ConversionCancellation(job, Instant.now());
    kafka.send(CANCELLATIONS, cancellation.key(), cancellation);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!cancellations.cancelled(job)) {
      assertThat(System.nanoTime()).as("cancellation of " + job + " read").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static UUID send(String behaviour) {
    UUID job = UUID.randomUUID();
    // each behaviour on its own key: requests of one key are processed in order
    return send(job, behaviour, "intake/" + behaviour + job);
  }

  private static UUID send(UUID job, String behaviour, String key) {
    ConversionRequest request =
        new ConversionRequest(
            job,
            1,
            1,
            "127.0.0.1:5000",
            "intake/" + behaviour,
            behaviour,
            "sha256:" + "cd".repeat(32),
            "intake/" + behaviour,
            behaviour + "-nydus",
            Instant.now(),
            ConversionOptions.defaults());
    kafka.send(REQUESTS, key, request);
    return job;
  }

  @TestConfiguration
  static class ScriptedConversion {
    static final Set<UUID> started = ConcurrentHashMap.newKeySet();
    static final Set<UUID> interrupted = ConcurrentHashMap.newKeySet();
    private final Map<UUID, AtomicInteger> calls = new ConcurrentHashMap<>();

    @Bean
    @Primary
    ImageConversion scripted() {
      return (request, sink) -> {
        started.add(request.jobId());
        int call =
            calls.computeIfAbsent(request.jobId(), j -> new AtomicInteger()).incrementAndGet();
        switch (request.sourceTag()) {
          case "slow" -> {
            try {
              Thread.sleep(60_000);
            } catch (InterruptedException e) {
              interrupted.add(request.jobId());
              // as the real conversion does: an interrupted transfer fails as unavailable
              throw new ConversionException(FailureCode.REGISTRY_UNAVAILABLE, "interrupted");
            }
          }
          case "flaky" -> {
            if (call < 3) {
              throw new ConversionException(
                  FailureCode.REGISTRY_UNAVAILABLE, "connect to 127.0.0.1:5000 refused");
            }
          }
          case "down" ->
              throw new ConversionException(
                  FailureCode.REGISTRY_UNAVAILABLE, "connect to 127.0.0.1:5000 refused");
          case "corrupt" ->
              throw new ConversionException(
                  FailureCode.LAYER_CORRUPT, "layer sha256:00: unexpected end of gzip stream");
          case "bug" -> throw new IllegalStateException("a bug");
          case "skip" -> {
            return new Outcome.Skipped("already Nydus");
          }
          default -> {}
        }
        String digest = "sha256:" + "ab".repeat(32);
        sink.targetDigest(digest, new ConversionStatus.Progress(2, 2, 10, 20));
        return new Outcome.Succeeded(
            digest, new ConversionStatus.Result(10, 20, 2, 0, Map.of("pull", 1L)));
      };
    }
  }
}
