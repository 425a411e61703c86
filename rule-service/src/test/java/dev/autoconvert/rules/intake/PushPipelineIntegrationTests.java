package dev.autoconvert.rules.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.contracts.ConversionCancellation;
import dev.autoconvert.contracts.ConversionRequest;
import dev.autoconvert.contracts.ConversionStatus;
import dev.autoconvert.contracts.FailureCode;
import dev.autoconvert.contracts.JobStatus;
import dev.autoconvert.contracts.JsonCodec;
import dev.autoconvert.contracts.OutputAnnotations;
import dev.autoconvert.contracts.PushEvent;
import dev.autoconvert.rules.IntegrationTestSupport;
import dev.autoconvert.testsupport.registry.LocalRegistry;
import dev.autoconvert.testsupport.registry.OciLayout;
import dev.autoconvert.testsupport.registry.TarBuilder;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The push → rule → job → conversion request pipeline and the status path, end to end through the
 * real Kafka broker and PostgreSQL.
 */
class PushPipelineIntegrationTests extends IntegrationTestSupport {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final AtomicInteger COUNTER = new AtomicInteger();

  @TempDir Path dir;

  /** A repository name no other test (or run) uses, and a rule converting its {@code v*} tags. */
  private String repositoryWithRule(String purpose, String tagPattern) throws Exception {
    String repository = purpose + "-" + RUN + "-" + COUNTER.incrementAndGet() + "/app";
    createRule(
        Map.of(
            "name", repository,
            "registry", REGISTRY,
            "repositoryPattern", repository,
            "tagPattern", tagPattern));
    return repository;
  }

  private String outcomeOf(String eventId) throws Exception {
    return await(
        () -> {
          try {
            return queryString("SELECT outcome FROM push_events WHERE event_id = ?", eventId);
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        },
        outcome -> outcome != null,
        WAIT);
  }

  private JsonNode jobs(String repository) throws Exception {
    Reply reply = get("/api/v1/conversions?size=200&repository=" + repository);
    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(200);
    return reply.body().get("items");
  }

  private JsonNode awaitJob(String repository, JobStatus status) throws Exception {
    JsonNode items =
        await(
            () -> {
              try {
                return jobs(repository);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            list -> list.size() > 0 && list.get(0).get("status").asString().equals(status.name()),
            WAIT);
    assertThat(items).as("jobs of " + repository).hasSize(1);
    assertThat(items.get(0).get("status").asString()).isEqualTo(status.name());
    return items.get(0);
  }

  private JsonNode detail(String id) throws Exception {
    Reply reply = get("/api/v1/conversions/" + id);
    assertThat(reply.status()).isEqualTo(200);
    return reply.body();
  }

  private static ConversionRequest requestFor(String key) {
    List<ConsumerRecord<String, byte[]>> found = requests(key::equals, 1, WAIT);
    assertThat(found).as("conversion requests keyed " + key).hasSize(1);
    return JsonCodec.decode(found.get(0).value(), ConversionRequest.class);
  }

  private static void status(UUID jobId, String key, ConversionStatus update) throws Exception {
    send(STATUS_TOPIC, key, update);
  }

  private static ConversionStatus update(
      UUID jobId, int attempt, JobStatus status, String targetDigest) {
    return new ConversionStatus(
        jobId,
        attempt,
        status,
        "worker-it",
        Instant.now(),
        status == JobStatus.FAILED ? FailureCode.REGISTRY_UNAVAILABLE : null,
        status == JobStatus.FAILED ? "registry answered 503 five times" : null,
        targetDigest,
        status == JobStatus.RUNNING ? new ConversionStatus.Progress(1, 3, 100, 40) : null,
        status == JobStatus.SUCCEEDED
            ? new ConversionStatus.Result(1000, 400, 2, 1, Map.of("pull", 5L, "convert", 7L))
            : null);
  }

  @Test
  void matchingPushOpensAJobAndPublishesItsRequest() throws Exception {
    String repository = repositoryWithRule("match", "v*");
    PushEvent event = push(repository, "v1", digest("match"));
    publish(event);

    JsonNode job = awaitJob(repository, JobStatus.QUEUED);
    assertThat(job.get("sourceTag").asString()).isEqualTo("v1");
    assertThat(job.get("sourceDigest").asString()).isEqualTo(event.digest());
    assertThat(job.get("targetRepository").asString()).isEqualTo(repository);
    assertThat(job.get("targetTag").asString()).isEqualTo("v1-nydus");
    assertThat(job.get("registry").asString()).isEqualTo(REGISTRY);
    assertThat(job.get("attempts").asInt()).isZero();

    ConversionRequest request = requestFor(REGISTRY + "/" + repository + ":v1-nydus");
    assertThat(request.jobId().toString()).isEqualTo(job.get("id").asString());
    assertThat(request.sourceDigest()).isEqualTo(event.digest());
    assertThat(request.attempt()).isEqualTo(1);
    assertThat(request.options().compressor()).isEqualTo("zstd");
    assertThat(request.sequence()).isEqualTo(job.get("sequence").asLong());

    List<String> states =
        detail(job.get("id").asString())
            .get("transitions")
            .valueStream()
            .map(t -> t.get("to").asString())
            .toList();
    assertThat(states).containsExactly("PENDING", "QUEUED");

    String metrics = call("GET", "/actuator/prometheus", null, null).raw().body();
    assertThat(metrics).contains("autoconvert_rule_matches_total{rule=\"" + repository + "\"} 1.0");
  }

  @Test
  void listenersJoinTheConfiguredConsumerGroup() throws Exception {
    String group = "rule-service-it-" + RUN;
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA))) {
      List<String> topics =
          await(
              () -> {
                try {
                  ConsumerGroupDescription description =
                      admin
                          .describeConsumerGroups(List.of(group))
                          .all()
                          .get(30, TimeUnit.SECONDS)
                          .get(group);
                  return description.members().stream()
                      .flatMap(m -> m.assignment().topicPartitions().stream())
                      .map(TopicPartition::topic)
                      .distinct()
                      .toList();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              },
              assigned -> assigned.size() == 2,
              WAIT);
      assertThat(topics).containsExactlyInAnyOrder(PUSH_EVENTS_TOPIC, STATUS_TOPIC);
    }
  }

  @Test
  void unreadableMessageIsSkippedAndTheNextOneOnItsPartitionProcessed() throws Exception {
    String repository = repositoryWithRule("poison", "v*");
    PushEvent event = push(repository, "v1", digest("poison"));
    producer()
        .send(new ProducerRecord<>(PUSH_EVENTS_TOPIC, event.key(), "{not json".getBytes()))
        .get(10, TimeUnit.SECONDS);
    send(PUSH_EVENTS_TOPIC, event.key(), push(repository, "x".repeat(300), digest("poison-long")));
    publish(event);
    assertThat(outcomeOf(event.eventId())).isEqualTo("MATCHED");
  }

  @Test
  void pushMatchingNoRuleMakesNoJob() throws Exception {
    String repository = repositoryWithRule("nomatch", "v*");
    PushEvent event = push(repository, "latest", digest("nomatch"));
    publish(event);
    assertThat(outcomeOf(event.eventId())).isEqualTo("UNMATCHED");
    assertThat(jobs(repository)).isEmpty();
  }

  @Test
  void pushOfAnExcludedTagMakesNoJob() throws Exception {
    String repository = "exclude-" + RUN + "-" + COUNTER.incrementAndGet() + "/app";
    createRule(
        Map.of(
            "name", repository,
            "registry", REGISTRY,
            "repositoryPattern", repository,
            "excludeTagPattern", "*-debug"));
    PushEvent excluded = push(repository, "v1-debug", digest("exclude-debug"));
    PushEvent included = push(repository, "v1", digest("exclude-v1"));
    publish(excluded);
    publish(included);

    assertThat(outcomeOf(excluded.eventId())).isEqualTo("UNMATCHED");
    assertThat(outcomeOf(included.eventId())).isEqualTo("MATCHED");
    assertThat(awaitJob(repository, JobStatus.QUEUED).get("sourceTag").asString()).isEqualTo("v1");
  }

  @Test
  void sameEventDeliveredTwiceMakesOneJob() throws Exception {
    String repository = repositoryWithRule("dupe", "v*");
    PushEvent event = push(repository, "v2", digest("dupe"));
    publish(event);
    publish(event);
    // the same push reported again under another event id (a second webhook)
    PushEvent sameContent = push(repository, "v2", event.digest());
    publish(sameContent);
    // a later event on the same key (so the same partition) proves the ones before were consumed
    PushEvent marker = push(repository, "latest", digest("dupe-marker"));
    send(PUSH_EVENTS_TOPIC, event.key(), marker);
    assertThat(outcomeOf(marker.eventId())).isEqualTo("UNMATCHED");

    assertThat(outcomeOf(event.eventId())).isEqualTo("MATCHED");
    assertThat(outcomeOf(sameContent.eventId())).isEqualTo("SAME_CONTENT");
    assertThat(jobs(repository)).hasSize(1);
    assertThat(
            requests((REGISTRY + "/" + repository + ":v2-nydus")::equals, 2, Duration.ofSeconds(2)))
        .hasSize(1);
  }

  @Test
  void repushConvertsUnlessTheTargetsNewestConversionHasThatContent() throws Exception {
    String repository = "repush-" + RUN + "/app";
    PushEvent beforeRule = push(repository, "v6", digest("repush-a"));
    publish(beforeRule);
    assertThat(outcomeOf(beforeRule.eventId())).isEqualTo("UNMATCHED");
    createRule(Map.of("name", repository, "repositoryPattern", repository));

    PushEvent a = push(repository, "v6", beforeRule.digest());
    publish(a);
    assertThat(outcomeOf(a.eventId()))
        .as("same content, but nothing converted it")
        .isEqualTo("MATCHED");
    PushEvent b = push(repository, "v6", digest("repush-b"));
    publish(b);
    assertThat(outcomeOf(b.eventId())).isEqualTo("MATCHED");
    PushEvent aAgain = push(repository, "v6", a.digest());
    publish(aAgain);
    assertThat(outcomeOf(aAgain.eventId()))
        .as("the tag moved back to content whose copy the target no longer shows")
        .isEqualTo("MATCHED");

    List<String> digests =
        jobs(repository).valueStream().map(j -> j.get("sourceDigest").asString()).toList();
    assertThat(digests).containsExactly(a.digest(), b.digest(), a.digest()); // newest first
  }

  @Test
  void tagTooLongMakesAFailedJobAndNoRequest() throws Exception {
    String repository = repositoryWithRule("long", "*");
    String tag = "t".repeat(123);
    publish(push(repository, tag, digest("long")));

    JsonNode job = awaitJob(repository, JobStatus.FAILED);
    assertThat(job.get("failureCode").asString()).isEqualTo("TAG_TOO_LONG");
    assertThat(job.get("reason").asString())
        .isEqualTo(
            "tag '"
                + "t".repeat(40)
                + "…' is 123 characters; with suffix '-nydus' it would be 129,"
                + " over the 128 an OCI tag may have");
    assertThat(
            queryLong(
                "SELECT count(*) FROM outbox WHERE aggregate_id = ?",
                UUID.fromString(job.get("id").asString())))
        .isZero();
  }

  @Test
  void jobAndRequestCommitTogetherOrNotAtAll() throws Exception {
    String repository = repositoryWithRule("atomic", "*");
    String tag = "explode-" + RUN;
    String failures = "it_outbox_failures_" + RUN.replace('-', '_');
    String trigger = "it_fail_outbox_" + RUN.replace('-', '_');
    try (Connection c = db();
        var sql = c.createStatement()) {
      sql.execute("CREATE SEQUENCE " + failures);
      // fails the outbox insert, which comes after the job insert in the same transaction
      sql.execute(
          "CREATE FUNCTION "
              + trigger
              + "() RETURNS trigger AS $$ BEGIN IF NEW.message_key LIKE '%"
              + tag
              + "%' THEN PERFORM nextval('"
              + failures
              + "'); RAISE EXCEPTION 'forced outbox failure'; END IF; RETURN NEW; END $$"
              + " LANGUAGE plpgsql");
      sql.execute(
          "CREATE TRIGGER "
              + trigger
              + " BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION "
              + trigger
              + "()");
    }
    PushEvent event = push(repository, tag, digest("atomic"));
    try {
      publish(event);
      long attempts =
          await(
              () -> {
                try {
                  return queryLong(
                      "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM " + failures);
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              },
              n -> n >= 2,
              WAIT);
      assertThat(attempts)
          .as("intake attempts that hit the failing outbox")
          .isGreaterThanOrEqualTo(2);
      assertThat(
              queryLong(
                  "SELECT count(*) FROM conversion_jobs WHERE source_repository = ?", repository))
          .isZero();
      assertThat(queryLong("SELECT count(*) FROM push_events WHERE event_id = ?", event.eventId()))
          .isZero();
      assertThat(queryLong("SELECT count(*) FROM outbox WHERE message_key LIKE ?", "%" + tag + "%"))
          .isZero();
    } finally {
      try (Connection c = db();
          var sql = c.createStatement()) {
        sql.execute("DROP TRIGGER " + trigger + " ON outbox");
        sql.execute("DROP FUNCTION " + trigger + "()");
        sql.execute("DROP SEQUENCE " + failures);
      }
    }
    // the event was never acknowledged, so it is consumed again and now succeeds (invariant 1)
    JsonNode job = awaitJob(repository, JobStatus.QUEUED);
    assertThat(requestFor(REGISTRY + "/" + repository + ":" + tag + "-nydus").jobId().toString())
        .isEqualTo(job.get("id").asString());
  }

  @Test
  void statusMovesOnlyForwardAndOurOwnOutputMakesNoJob() throws Exception {
    String repository = repositoryWithRule("status", "*");
    publish(push(repository, "v3", digest("status")));
    JsonNode job = awaitJob(repository, JobStatus.QUEUED);
    UUID jobId = UUID.fromString(job.get("id").asString());
    String key = jobId.toString();
    String target = digest("status-target");

    status(jobId, key, update(jobId, 1, JobStatus.RUNNING, null));
    status(jobId, key, update(jobId, 1, JobStatus.RUNNING, target));
    status(jobId, key, update(jobId, 1, JobStatus.SUCCEEDED, target));
    // late and repeated updates after the end
    status(jobId, key, update(jobId, 1, JobStatus.RUNNING, null));
    status(jobId, key, update(jobId, 1, JobStatus.FAILED, null));
    status(jobId, key, update(jobId, 1, JobStatus.SUCCEEDED, target));
    JsonNode done = awaitJob(repository, JobStatus.SUCCEEDED);
    // the echo of our own push arrives: same content, tag that the rule matches too
    PushEvent echo = push(repository, "v3-nydus", target);
    publish(echo);
    assertThat(outcomeOf(echo.eventId())).isEqualTo("OWN_OUTPUT");

    // a marker on the same key proves the late updates were consumed before we look
    String markerRepository = repositoryWithRule("status-marker", "*");
    publish(push(markerRepository, "v1", digest("status-marker")));
    UUID markerJob =
        UUID.fromString(awaitJob(markerRepository, JobStatus.QUEUED).get("id").asString());
    status(markerJob, key, update(markerJob, 1, JobStatus.RUNNING, null));
    awaitJob(markerRepository, JobStatus.RUNNING);

    JsonNode detail = detail(done.get("id").asString());
    assertThat(detail.get("status").asString()).isEqualTo("SUCCEEDED");
    assertThat(detail.get("failureCode")).isNull();
    assertThat(detail.get("targetDigest").asString()).isEqualTo(target);
    assertThat(detail.get("attempts").asInt()).isEqualTo(1);
    assertThat(detail.get("result").get("targetSize").asLong()).isEqualTo(400);
    assertThat(detail.get("result").get("phaseMillis").get("convert").asLong()).isEqualTo(7);
    assertThat(detail.get("progress").get("layersDone").asInt()).isEqualTo(1);
    List<String> states =
        detail.get("transitions").valueStream().map(t -> t.get("to").asString()).toList();
    assertThat(states).containsExactly("PENDING", "QUEUED", "RUNNING", "SUCCEEDED");
    assertThat(detail.get("transitions").get(2).get("workerId").asString()).isEqualTo("worker-it");

    assertThat(jobs(repository)).hasSize(1);
  }

  @Test
  void workersLayerCacheEntriesMakeNoJobEvenWhenARuleMatchesThem() throws Exception {
    String cacheRepository = "autoconvert/layer-cache";
    createRule(
        Map.of(
            "name",
            "layer-cache-" + RUN,
            "registry",
            REGISTRY,
            "repositoryPattern",
            cacheRepository,
            "tagPattern",
            "cache-" + RUN + "-*"));
    PushEvent entry = push(cacheRepository, "cache-" + RUN + "-sha256-1", digest("cache-entry"));
    publish(entry);

    assertThat(outcomeOf(entry.eventId())).isEqualTo("OWN_OUTPUT");
    assertThat(jobs(cacheRepository)).isEmpty();
  }

  @Test
  void echoReadBeforeTheWorkersStatusIsStillOurOwnOutput() throws Exception {
    String repository = repositoryWithRule("echo", "*");
    publish(push(repository, "v5", digest("echo")));
    UUID jobId = UUID.fromString(awaitJob(repository, JobStatus.QUEUED).get("id").asString());
    String target = digest("echo-target");

    PushEvent echo = push(repository, "v5-nydus", target);
    publish(echo);
    Thread.sleep(500); // the status naming the digest deliberately comes late
    assertThat(queryString("SELECT outcome FROM push_events WHERE event_id = ?", echo.eventId()))
        .as("intake waits for the status while the target's conversion runs")
        .isNull();
    status(jobId, jobId.toString(), update(jobId, 1, JobStatus.RUNNING, target));

    assertThat(outcomeOf(echo.eventId())).isEqualTo("OWN_OUTPUT");
    assertThat(jobs(repository)).hasSize(1);
  }

  @Test
  void userPushOfARunningConversionsTargetTagIsConvertedAfterTheBoundedWait() throws Exception {
    String repository = repositoryWithRule("usertarget", "*");
    publish(push(repository, "v7", digest("usertarget")));
    awaitJob(repository, JobStatus.QUEUED);

    // same tag as the running conversion's target, but content no worker reported
    PushEvent user = push(repository, "v7-nydus", digest("usertarget-user"));
    long start = System.nanoTime();
    publish(user);
    assertThat(outcomeOf(user.eventId())).isEqualTo("MATCHED");
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("waited for a status naming the digest (echo-wait 8s in tests)")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(7));
    assertThat(jobs(repository).valueStream().map(j -> j.get("targetTag").asString()))
        .containsExactlyInAnyOrder("v7-nydus", "v7-nydus-nydus");
  }

  @Test
  void ownOutputWhoseStatusComesTooLateIsRecognisedByItsSignature() throws Exception {
    LocalRegistry registry = registry();
    String repository = "signed-" + RUN + "/app";
    ruleFor(registry, repository, "*");
    publish(at(registry, push(repository, "v8", digest("signed-source"))));
    awaitJob(repository, JobStatus.QUEUED);
    OciLayout layout = OciLayout.create(dir.resolve("signed"));
    byte[] layer = new TarBuilder().file("etc/copy", "nydus copy " + RUN).build();
    OciLayout.Image signed =
        layout.image("signed", "amd64", List.of(layer), Map.of(OutputAnnotations.SEQUENCE, "1"));
    OciLayout.Image unsigned = layout.image("unsigned", "amd64", List.of(layer));

    // the worker's push, whose status naming the digest never arrives within the wait
    registry.pushFromLayout(layout.path(), "signed", repository + ":v8-nydus");
    PushEvent echo = at(registry, push(repository, "v8-nydus", signed.manifest().digest()));
    publish(echo);
    assertThat(outcomeOf(echo.eventId())).isEqualTo("OWN_OUTPUT");
    assertThat(
            queryLong(
                "SELECT count(*) FROM produced_digests WHERE digest = ?",
                signed.manifest().digest()))
        .isOne();

    // a user's push of the same tag without the signature is still converted
    registry.pushFromLayout(layout.path(), "unsigned", repository + ":v8-nydus");
    PushEvent user = at(registry, push(repository, "v8-nydus", unsigned.manifest().digest()));
    publish(user);
    assertThat(outcomeOf(user.eventId())).isEqualTo("MATCHED");
    assertThat(jobs(repository).valueStream().map(j -> j.get("targetTag").asString()))
        .containsExactlyInAnyOrder("v8-nydus", "v8-nydus-nydus");
  }

  @Test
  void nydusImagesMadeByOtherToolsMakeNoJob() throws Exception {
    Repository repository = convertingEverything("foreign-nydus");
    OciLayout layout = repository.layout();
    byte[] layer = new TarBuilder().file("etc/plain", "plain " + RUN).build();
    OciLayout.Image nydus = layout.nydusShapedImage("nydus", "amd64", List.of(layer));
    OciLayout.Image plain = layout.image("plain", "amd64", List.of(layer));
    // nydusify's copy of v9, pushed before any conversion of ours targets its tag
    onlyThePlainPushConverts(
        repository, "v9", nydus.manifest().digest(), plain.manifest().digest());
  }

  @Test
  void indexOfNydusImagesMakesNoJobAndAnIndexOfPlainImagesDoes() throws Exception {
    Repository repository = convertingEverything("nydus-index");
    OciLayout layout = repository.layout();
    List<byte[]> layers = List.of(new TarBuilder().file("etc/arch", "multi " + RUN).build());
    OciLayout.Blob nydus =
        layout.index(
            "nydus",
            List.of(
                layout.nydusShapedImage("nydus-amd64", "amd64", layers),
                layout.nydusShapedImage("nydus-arm64", "arm64", layers)));
    OciLayout.Blob plain =
        layout.index(
            "plain", List.of(layout.image("amd64", layers), layout.image("arm64", layers)));
    // nydusify --platform linux/amd64,linux/arm64 without --merge-platform: nothing marks the index
    onlyThePlainPushConverts(repository, "v10", nydus.digest(), plain.digest());
  }

  /** A repository of the real test registry whose every tag a rule converts, and a layout. */
  private record Repository(LocalRegistry registry, String name, OciLayout layout) {}

  private Repository convertingEverything(String purpose) throws Exception {
    LocalRegistry registry = registry();
    String name = purpose + "-" + RUN + "/app";
    ruleFor(registry, name, "*");
    return new Repository(registry, name, OciLayout.create(dir.resolve(purpose)));
  }

  /**
   * Pushes the layout's {@code nydus} as {@code tag}-nydus and its {@code plain} as {@code tag}:
   * only the plain image opens a job.
   */
  private void onlyThePlainPushConverts(
      Repository repository, String tag, String nydusDigest, String plainDigest) throws Exception {
    LocalRegistry registry = repository.registry();
    Path layout = repository.layout().path();
    registry.pushFromLayout(layout, "nydus", repository.name() + ":" + tag + "-nydus");
    registry.pushFromLayout(layout, "plain", repository.name() + ":" + tag);
    PushEvent nydusPush = at(registry, push(repository.name(), tag + "-nydus", nydusDigest));
    PushEvent plainPush = at(registry, push(repository.name(), tag, plainDigest));
    publish(nydusPush);
    publish(plainPush);

    assertThat(outcomeOf(nydusPush.eventId())).isEqualTo("NYDUS_IMAGE");
    assertThat(outcomeOf(plainPush.eventId())).isEqualTo("MATCHED");
    assertThat(jobs(repository.name()).valueStream().map(j -> j.get("targetTag").asString()))
        .as("the Nydus image opened no job, the plain image one")
        .containsExactly(tag + "-nydus");
  }

  /** {@code event} as the real test registry {@code registry} reports it. */
  private static PushEvent at(LocalRegistry registry, PushEvent event) {
    return new PushEvent(
        event.eventId(),
        event.origin(),
        registry.host(),
        event.repository(),
        event.tag(),
        event.digest(),
        event.mediaType(),
        event.size(),
        event.pushedAt(),
        event.actor(),
        event.receivedAt());
  }

  @Test
  void userTagEndingInNydusIsConvertedWhenARuleMatches() throws Exception {
    String repository = repositoryWithRule("usernydus", "*");
    publish(push(repository, "mine-nydus", digest("usernydus")));
    JsonNode job = awaitJob(repository, JobStatus.QUEUED);
    assertThat(job.get("targetTag").asString()).isEqualTo("mine-nydus-nydus");
  }

  @Test
  void manualConversionUsesTheRuleOrExplicitOptions() throws Exception {
    String repository = repositoryWithRule("manual", "v*");
    String ruleId =
        get("/api/v1/rules/match?repository=" + repository + "&tag=v1")
            .body()
            .get("rules")
            .get(0)
            .get("ruleId")
            .asString();
    Reply withRule =
        post(
            "/api/v1/conversions",
            Map.of("source", REGISTRY + "/" + repository + ":v1", "ruleId", ruleId));
    assertThat(withRule.status()).as(withRule.raw().body()).isEqualTo(201);
    assertThat(withRule.body().get("trigger").asString()).isEqualTo("MANUAL");
    ConversionRequest request = requestFor(REGISTRY + "/" + repository + ":v1-nydus");
    assertThat(request.jobId().toString()).isEqualTo(withRule.body().get("id").asString());
    assertThat(request.sourceDigest()).isNull();

    String digest = digest("manual-explicit");
    Reply explicit =
        post(
            "/api/v1/conversions",
            Map.of(
                "source",
                REGISTRY + "/" + repository + ":v2@" + digest,
                "tagSuffix",
                "-lazy",
                "options",
                Map.of("compressor", "none", "platforms", List.of("linux/arm64/v8"))));
    assertThat(explicit.status()).as(explicit.raw().body()).isEqualTo(201);
    ConversionRequest explicitRequest = requestFor(REGISTRY + "/" + repository + ":v2-lazy");
    assertThat(explicitRequest.sourceDigest()).isEqualTo(digest);
    assertThat(explicitRequest.options().compressor()).isEqualTo("none");
    assertThat(explicitRequest.options().platforms()).containsExactly("linux/arm64/v8");

    Reply bad = post("/api/v1/conversions", Map.of("source", repository));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().get("detail").asString()).contains("'" + repository + "'");
  }

  @Test
  void failedConversionIsRetriedAsANewJobInItsPushOrder() throws Exception {
    String repository = repositoryWithRule("retry", "v*");
    publish(push(repository, "v4", digest("retry")));
    JsonNode job = awaitJob(repository, JobStatus.QUEUED);
    UUID jobId = UUID.fromString(job.get("id").asString());
    Reply notFailed = post("/api/v1/conversions/" + jobId + "/retry", null);
    assertThat(notFailed.status()).isEqualTo(409);

    status(jobId, jobId.toString(), update(jobId, 1, JobStatus.FAILED, null));
    JsonNode failed = awaitJob(repository, JobStatus.FAILED);
    assertThat(failed.get("failureCode").asString()).isEqualTo("REGISTRY_UNAVAILABLE");
    assertThat(failed.get("reason").asString()).isEqualTo("registry answered 503 five times");

    Reply retry = post("/api/v1/conversions/" + jobId + "/retry", null);
    assertThat(retry.status()).as(retry.raw().body()).isEqualTo(201);
    assertThat(retry.body().get("retryOf").asString()).isEqualTo(jobId.toString());
    assertThat(retry.body().get("sequence").asLong()).isEqualTo(job.get("sequence").asLong());
    List<ConsumerRecord<String, byte[]>> sent =
        requests((REGISTRY + "/" + repository + ":v4-nydus")::equals, 2, WAIT);
    assertThat(sent).hasSize(2);
    assertThat(JsonCodec.decode(sent.get(1).value(), ConversionRequest.class).jobId().toString())
        .isEqualTo(retry.body().get("id").asString());

    Reply failedOnly = get("/api/v1/conversions?status=FAILED&repository=" + repository);
    assertThat(failedOnly.body().get("total").asLong()).isEqualTo(1);

    Reply summary = get("/api/v1/conversions/summary");
    assertThat(summary.status()).isEqualTo(200);
    assertThat(summary.body().get("byStatus").get("FAILED").asLong()).isPositive();
    assertThat(summary.body().get("byRule").valueStream().map(r -> r.get("name").asString()))
        .contains(repository);
  }

  @Test
  void bulkRetryRepeatsOnlyFailuresNothingFollowedOncePerTarget() throws Exception {
    String repository = repositoryWithRule("bulk-retry", "v*");
    UUID unavailable = failedJob(repository, "v1", FailureCode.REGISTRY_UNAVAILABLE);
    failedJob(repository, "v2", FailureCode.LAYER_CORRUPT);
    failedJob(repository, "v3", FailureCode.REGISTRY_UNAVAILABLE);
    // a newer push into v3's target: that failure is history
    publish(push(repository, "v3", digest("bulk-v3-again")));
    await(() -> tagJobs(repository, "v3"), jobs -> jobs.size() == 2, WAIT);
    String retry =
        "/api/v1/conversions/retry?failureCode=REGISTRY_UNAVAILABLE,STALLED&repository="
            + repository;

    Reply dryRun = post(retry + "&dryRun=true", null);
    assertThat(dryRun.status()).as(dryRun.raw().body()).isEqualTo(200);
    assertThat(dryRun.body().get("wouldRetry").valueStream().map(j -> j.get("id").asString()))
        .containsExactly(unavailable.toString());
    assertThat(dryRun.body().get("retried")).isEmpty();
    assertThat(dryRun.body().get("more").asBoolean()).isFalse();
    assertThat(jobs(repository)).hasSize(4);

    Reply bulk = post(retry, null);
    assertThat(bulk.status()).as(bulk.raw().body()).isEqualTo(200);
    assertThat(bulk.body().get("retried")).hasSize(1);
    assertThat(bulk.body().get("retried").get(0).get("retryOf").asString())
        .isEqualTo(unavailable.toString());
    assertThat(requests((REGISTRY + "/" + repository + ":v1-nydus")::equals, 2, WAIT)).hasSize(2);
    assertThat(jobs(repository)).hasSize(5);
    // the retry is now the newest into v1's target
    assertThat(post(retry, null).body().get("retried")).isEmpty();

    Reply everyCode = post("/api/v1/conversions/retry?limit=1&repository=" + repository, null);
    assertThat(everyCode.body().get("retried").get(0).get("sourceTag").asString()).isEqualTo("v2");
    assertThat(everyCode.body().get("more").asBoolean()).isFalse();
    assertThat(post(retry + "&limit=0", null).status()).isEqualTo(400);
    assertThat(call("POST", retry, READ_TOKEN, null).status()).isEqualTo(403);
  }

  @Test
  void aCancelledJobEndsCancelledAndEveryWorkerIsTold() throws Exception {
    String repository = repositoryWithRule("cancel", "v*");
    publish(push(repository, "v1", digest("cancel")));
    UUID id = UUID.fromString(awaitJob(repository, JobStatus.QUEUED).get("id").asString());
    String cancel = "/api/v1/conversions/" + id + "/cancel";

    Reply cancelled = post(cancel, null);

    assertThat(cancelled.status()).as(cancelled.raw().body()).isEqualTo(200);
    assertThat(cancelled.body().get("status").asString()).isEqualTo("CANCELLED");
    assertThat(cancelled.body().get("reason").asString()).startsWith("cancelled by admin sha256:");
    assertThat(
            cancelled
                .body()
                .get("transitions")
                .valueStream()
                .map(t -> t.get("from").asString() + " -> " + t.get("to").asString()))
        .endsWith("QUEUED -> CANCELLED");
    List<ConsumerRecord<String, byte[]>> told = cancellations(id.toString()::equals, 1, WAIT);
    assertThat(told).hasSize(1);
    assertThat(JsonCodec.decode(told.get(0).value(), ConversionCancellation.class).jobId())
        .isEqualTo(id);

    Reply again = post(cancel, null);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.body().get("detail").asString()).contains("is CANCELLED");
    assertThat(post("/api/v1/conversions/" + UUID.randomUUID() + "/cancel", null).status())
        .isEqualTo(404);
    assertThat(call("POST", cancel, READ_TOKEN, null).status()).isEqualTo(403);
    // an operator who changes their mind retries it
    Reply retry = post("/api/v1/conversions/" + id + "/retry", null);
    assertThat(retry.status()).as(retry.raw().body()).isEqualTo(201);
    assertThat(retry.body().get("retryOf").asString()).isEqualTo(id.toString());
  }

  /** Pushes {@code tag} and fails its job with {@code code}, as a worker would. */
  private UUID failedJob(String repository, String tag, FailureCode code) throws Exception {
    publish(push(repository, tag, digest("bulk-" + repository + tag)));
    JsonNode queued = await(() -> tagJobs(repository, tag), jobs -> jobs.size() == 1, WAIT).get(0);
    UUID id = UUID.fromString(queued.get("id").asString());
    status(
        id,
        id.toString(),
        new ConversionStatus(
            id, 1, JobStatus.FAILED, "worker-it", Instant.now(), code, "failed", null, null, null));
    await(
        () -> tagJobs(repository, tag),
        jobs -> jobs.get(0).get("status").asString().equals("FAILED"),
        WAIT);
    return id;
  }

  /** The jobs of one tag, newest first. */
  private JsonNode tagJobs(String repository, String tag) {
    try {
      Reply reply = get("/api/v1/conversions?repository=" + repository + "&tag=" + tag);
      assertThat(reply.status()).as(reply.raw().body()).isEqualTo(200);
      return reply.body().get("items");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
