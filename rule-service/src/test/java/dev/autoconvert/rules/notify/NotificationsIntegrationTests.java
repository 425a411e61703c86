package dev.autoconvert.rules.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.contracts.ConversionRequest;
import dev.autoconvert.contracts.ConversionStatus;
import dev.autoconvert.contracts.JobStatus;
import dev.autoconvert.contracts.JsonCodec;
import dev.autoconvert.rules.IntegrationTestSupport;
import dev.autoconvert.rules.NotificationReceiver.Delivery;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Finished jobs are POSTed to the configured endpoints (a receiver in this JVM that refuses every
 * event's first delivery): signed, retried, once accepted never again, and only to endpoints that
 * want the job's status.
 */
class NotificationsIntegrationTests extends IntegrationTestSupport {
  @Autowired NotificationSender sender;

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private String repositoryWithRule(String purpose) throws Exception {
    String repository = "notify-" + purpose + "-" + RUN + "-" + COUNTER.incrementAndGet();
    createRule(Map.of("name", repository, "registry", REGISTRY, "repositoryPattern", repository));
    return repository;
  }

  /** The deliveries of {@code event} once one was accepted. */
  private static List<Delivery> acceptedDeliveries(String event) throws InterruptedException {
    return await(
        () -> NOTIFICATIONS.of(event),
        deliveries -> deliveries.stream().anyMatch(d -> d.answered() / 100 == 2),
        WAIT);
  }

  @Test
  void aFailedJobIsAnnouncedSignedAndRetriedUntilAccepted() throws Exception {
    String repository = repositoryWithRule("failed");
    publish(push(repository, "t".repeat(123), digest("notify-failed" + RUN)));
    UUID jobId = await(() -> jobIdOf(repository), id -> id != null, WAIT);
    String event = jobId + "/FAILED";

    List<Delivery> all = acceptedDeliveries(event);

    assertThat(all).extracting(Delivery::path).containsOnly("/all");
    assertThat(all).extracting(Delivery::answered).containsExactly(503, 204);
    Delivery accepted = all.get(1);
    assertThat(accepted.signature())
        .isEqualTo("sha256=" + NotificationSender.hmac(NOTIFICATION_SECRET, accepted.body()));
    JsonNode body = JSON.readTree(accepted.body());
    assertThat(body.get("eventId").asString()).isEqualTo(event);
    assertThat(body.get("type").asString()).isEqualTo("conversion.finished");
    assertThat(body.get("conversion").get("id").asString()).isEqualTo(jobId.toString());
    assertThat(body.get("conversion").get("status").asString()).isEqualTo("FAILED");
    assertThat(body.get("conversion").get("failureCode").asString()).isEqualTo("TAG_TOO_LONG");
    assertThat(body.get("conversion").get("sourceRepository").asString()).isEqualTo(repository);
    assertThat(queryLong("SELECT count(*) FROM notifications WHERE job_id = ?", jobId))
        .as("the SUCCEEDED-only endpoint is not told of a failure")
        .isEqualTo(1);
    JsonNode listed = call("GET", "/api/v1/notifications?jobId=" + jobId, READ_TOKEN, null).body();
    assertThat(listed.get("total").asInt()).isEqualTo(1);
    JsonNode notification = listed.get("items").get(0);
    assertThat(notification.get("endpoint").asString()).isEqualTo("all");
    assertThat(notification.get("state").asString()).isEqualTo("DELIVERED");
    assertThat(notification.get("attempts").asInt()).isEqualTo(2);
    assertThat(notification.get("eventId").asString()).isEqualTo(event);
    assertThat(
            post("/api/v1/notifications/" + notification.get("id").asLong() + "/redeliver", null)
                .status())
        .as("only an abandoned notification is sent again")
        .isEqualTo(409);
    // what the dashboard and the alerts read
    assertThat(call("GET", "/actuator/prometheus", null, null).raw().body())
        .contains("autoconvert_notifications_total{endpoint=\"all\",outcome=\"delivered\"")
        .contains("autoconvert_notifications_total{endpoint=\"all\",outcome=\"failed\"");
  }

  @Test
  void aSucceededJobReachesEveryEndpointThatWantsIt() throws Exception {
    UUID jobId = finishedByWorker("succeeded", JobStatus.SUCCEEDED, digest("notify-target" + RUN));
    String event = jobId + "/SUCCEEDED";

    List<Delivery> deliveries =
        await(
            () -> NOTIFICATIONS.of(event),
            all -> all.stream().filter(d -> d.answered() / 100 == 2).count() == 2,
            WAIT);

    assertThat(deliveries)
        .filteredOn(d -> d.answered() / 100 == 2)
        .extracting(Delivery::path)
        .containsExactlyInAnyOrder("/all", "/succeeded");
    assertThat(deliveries)
        .filteredOn(d -> d.path().equals("/succeeded"))
        .extracting(Delivery::signature)
        .as("an endpoint without a secret gets no signature")
        .containsOnlyNulls();
    JsonNode body = JSON.readTree(deliveries.get(deliveries.size() - 1).body());
    assertThat(body.get("conversion").get("targetDigest").asString())
        .isEqualTo(digest("notify-target" + RUN));
  }

  @Test
  void anEndpointThatTimesOutDelaysNoOther() throws Exception {
    giveUpSlowBacklog();
    UUID jobId = finishedByWorker("skipped", JobStatus.SKIPPED, null);
    String event = jobId + "/SKIPPED";

    Delivery accepted =
        acceptedDeliveries(event).stream()
            .filter(d -> d.answered() / 100 == 2)
            .findFirst()
            .orElseThrow();
    Delivery slow =
        await(
                () ->
                    NOTIFICATIONS.of(event).stream().filter(d -> d.path().equals("/slow")).toList(),
                found -> !found.isEmpty(),
                WAIT)
            .get(0);

    assertThat(accepted.path()).isEqualTo("/all");
    assertThat(Duration.between(slow.at(), accepted.at()))
        .as("/all's second attempt did not wait for /slow's first to time out")
        .isLessThan(NOTIFICATION_TIMEOUT);
  }

  @Test
  void anEndpointThatDoesNotAnswerIsProbedWithOneNotificationWhileTheOthersWait() throws Exception {
    giveUpSlowBacklog();
    List<UUID> jobs = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
    for (UUID job : jobs) {
      insertNotification(job, "slow", Duration.ZERO);
    }
    try {
      List<Delivery> tried =
          await(
              () ->
                  jobs.stream().flatMap(job -> NOTIFICATIONS.of(job + "/FAILED").stream()).toList(),
              deliveries -> deliveries.size() >= 2,
              WAIT);

      assertThat(tried)
          .extracting(Delivery::event)
          .as("the oldest is tried again; the others wait for it instead of each timing out")
          .containsOnly(jobs.get(0) + "/FAILED");
      for (UUID waiting : jobs.subList(1, jobs.size())) {
        assertThat(
                queryLong(
                    "SELECT attempts FROM notifications WHERE job_id = ?"
                        + " AND next_attempt_at > now()",
                    waiting))
            .isZero();
      }
    } finally {
      giveUpSlowBacklog();
    }
  }

  @Test
  void aNotificationForAnEndpointNotConfiguredHereIsGivenUpOnlyOnceItIsMaxAgeOld()
      throws Exception {
    UUID stale = UUID.randomUUID();
    UUID fresh = UUID.randomUUID();
    insertNotification(stale, "removed", Duration.ofHours(25));
    // what an instance that knows an endpoint this one does not yet know wrote, moments ago
    insertNotification(fresh, "added-elsewhere", Duration.ofMinutes(1));

    sender.abandonOrphans();

    assertThat(queryString("SELECT last_error FROM notifications WHERE job_id = ?", stale))
        .isEqualTo("endpoint removed is not configured");
    assertThat(
            queryLong(
                "SELECT count(*) FROM notifications WHERE job_id = ?"
                    + " AND abandoned_at IS NULL AND attempts = 0",
                fresh))
        .as("a young notification for an unknown endpoint waits for an instance that knows it")
        .isEqualTo(1);
    JsonNode abandoned =
        get("/api/v1/notifications?state=ABANDONED&endpoint=removed&jobId=" + stale)
            .body()
            .get("items")
            .get(0);
    assertThat(abandoned.get("lastError").asString())
        .isEqualTo("endpoint removed is not configured");
    String redeliver = "/api/v1/notifications/" + abandoned.get("id").asLong() + "/redeliver";
    assertThat(call("POST", redeliver, READ_TOKEN, null).status()).isEqualTo(403);

    Reply again = post(redeliver, null);

    assertThat(again.status()).as(again.raw().body()).isEqualTo(200);
    assertThat(again.body().get("state").asString()).isEqualTo("PENDING");
    sender.abandonOrphans();
    assertThat(
            queryLong(
                "SELECT count(*) FROM notifications WHERE job_id = ?"
                    + " AND abandoned_at IS NULL AND attempts = 1",
                stale))
        .as("redelivery starts its maxAge again: time to configure the endpoint")
        .isEqualTo(1);
  }

  /**
   * Gives up the notifications waiting for /slow, which accepts none: each attempt takes the whole
   * timeout, and older ones (earlier tests', or earlier runs' on this database) go first.
   */
  private static void giveUpSlowBacklog() throws Exception {
    try (var connection = db();
        var giveUp =
            connection.prepareStatement(
                "UPDATE notifications SET abandoned_at = now() WHERE endpoint = 'slow'"
                    + " AND delivered_at IS NULL AND abandoned_at IS NULL")) {
      giveUp.executeUpdate();
    }
  }

  private void insertNotification(UUID jobId, String endpoint, Duration age) throws Exception {
    try (var connection = db();
        var insert =
            connection.prepareStatement(
                "INSERT INTO notifications (job_id, event_id, endpoint, payload, created_at)"
                    + " VALUES (?, ?, ?, '{}', now() - make_interval(secs => ?))")) {
      insert.setObject(1, jobId);
      insert.setString(2, jobId + "/FAILED");
      insert.setString(3, endpoint);
      insert.setLong(4, age.toSeconds());
      insert.executeUpdate();
    }
  }

  /** A job a rule opens for a push, then ends as a worker reports it. */
  private UUID finishedByWorker(String purpose, JobStatus status, String targetDigest)
      throws Exception {
    String repository = repositoryWithRule(purpose);
    publish(push(repository, "v1", digest("notify-" + purpose + RUN)));
    UUID jobId =
        JsonCodec.decode(
                requests(key -> key.contains("/" + repository + ":"), 1, WAIT).get(0).value(),
                ConversionRequest.class)
            .jobId();
    send(
        STATUS_TOPIC,
        jobId.toString(),
        new ConversionStatus(
            jobId, 1, status, "worker-it", Instant.now(), null, null, targetDigest, null, null));
    return jobId;
  }

  private UUID jobIdOf(String repository) {
    try {
      JsonNode items = get("/api/v1/conversions?repository=" + repository).body().get("items");
      return items.isEmpty() ? null : UUID.fromString(items.get(0).get("id").asString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
