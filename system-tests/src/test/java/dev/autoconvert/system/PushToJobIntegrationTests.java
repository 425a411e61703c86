package dev.autoconvert.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The push → rule → job pipeline of the running system: a real registry notifies the real listener,
 * which publishes to the real Kafka, from which the rule-service records jobs in the real
 * PostgreSQL. Every test uses repositories of its own ({@code systest/<run>-...}), so runs and the
 * other tests don't see each other's jobs.
 */
class PushToJobIntegrationTests {

  /** "Within seconds" of the push; generous for two shared cores. */
  private static final Duration JOB_APPEARS = Duration.ofSeconds(20);

  /** How long "no job" must hold after a later push already made its job. */
  private static final Duration NOTHING_MORE = Duration.ofSeconds(3);

  private static final String RUN =
      HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());

  private static RunningSystem system;
  private static final List<String> rulesCreated = new ArrayList<>();

  @TempDir Path workDir;
  private SampleImages images;

  @BeforeAll
  static void connect() throws Exception {
    system = RunningSystem.fromEnvFile();
  }

  @BeforeEach
  void images() {
    images = new SampleImages(system, workDir);
  }

  @AfterAll
  static void deleteRules() throws Exception {
    for (String id : rulesCreated) {
      system.api("DELETE", "/rules/" + id, null);
    }
  }

  private static String repository(String purpose) {
    return "systest/" + RUN + "-" + purpose;
  }

  private static JsonNode rule(String repository, String tagPattern) throws Exception {
    JsonNode rule = system.createRule(repository, tagPattern);
    rulesCreated.add(rule.path("id").asString());
    return rule;
  }

  @Test
  void pushToRepositoryARuleMatchesCreatesAJobWithinSeconds() throws Exception {
    String repository = repository("match");
    JsonNode rule = rule(repository, "*");

    SampleImages.Pushed pushed = images.push(repository, "v1");

    JsonNode job =
        system.awaitConversions(repository, JOB_APPEARS, "job", jobs -> !jobs.isEmpty()).get(0);
    assertThat(job.path("ruleId").asString()).isEqualTo(rule.path("id").asString());
    assertThat(job.path("registry").asString()).isEqualTo(system.registry());
    assertThat(job.path("sourceRepository").asString()).isEqualTo(repository);
    assertThat(job.path("sourceTag").asString()).isEqualTo("v1");
    assertThat(job.path("sourceDigest").asString()).isEqualTo(pushed.digest());
    assertThat(job.path("targetTag").asString()).isEqualTo("v1-nydus");
    assertThat(job.path("status").asString()).isNotBlank();
    JsonNode detail = system.api("GET", "/conversions/" + job.path("id").asString(), null).json();
    assertThat(detail.path("transitions").isArray()).as("transitions in %s", detail).isTrue();
  }

  @Test
  void pushThatMatchesNoRuleCreatesNoJob() throws Exception {
    String unmatched = repository("unmatched");
    String sentinel = repository("sentinel");
    rule(sentinel, "*");

    images.push(unmatched, "v1");
    // the registry delivers its notifications in order, one at a time: once the later push has its
    // job, the unmatched push has been through the whole pipeline too
    images.push(sentinel, "v1");
    system.awaitConversions(sentinel, JOB_APPEARS, "job", jobs -> !jobs.isEmpty());

    system.holdsFor(NOTHING_MORE, unmatched, List::isEmpty);
  }

  @Test
  void secondDeliveryOfTheSameEventCreatesNoSecondJob() throws Exception {
    String repository = repository("redelivered");
    rule(repository, "redelivered");
    // a real manifest, pushed under a tag the rule ignores: only our envelopes name the rule's tag
    SampleImages.Pushed pushed = images.push(repository, "base");
    String envelope = system.distributionEnvelope("push", pushed, "redelivered");

    assertThat(system.deliverWebhook(envelope, system.webhookToken()).status()).isBetween(200, 299);
    assertThat(system.deliverWebhook(envelope, system.webhookToken()).status()).isBetween(200, 299);
    system.awaitConversions(repository, JOB_APPEARS, "job", jobs -> !jobs.isEmpty());
    // a registry resends an event whose answer was slow: same id, later
    assertThat(system.deliverWebhook(envelope, system.webhookToken()).status()).isBetween(200, 299);

    system.holdsFor(NOTHING_MORE, repository, jobs -> jobs.size() == 1);
  }

  @Test
  void tagOf123CharactersFailsWithTagTooLong() throws Exception {
    String repository = repository("longtag");
    rule(repository, "*");
    // 123 + "-nydus" = 129 characters, one more than an OCI tag may have
    String tag = "t" + "0123456789".repeat(12) + "ab";
    assertThat(tag).hasSize(123);

    images.push(repository, tag);

    JsonNode job =
        system
            .awaitConversions(
                repository,
                JOB_APPEARS,
                "FAILED job",
                jobs -> !jobs.isEmpty() && "FAILED".equals(jobs.get(0).path("status").asString()))
            .get(0);
    assertThat(job.path("failureCode").asString()).isEqualTo("TAG_TOO_LONG");
    assertThat(job.path("reason").asString()).isNotBlank();
    assertThat(job.path("sourceTag").asString()).isEqualTo(tag);
  }

  @Test
  void webhookWithoutTheTokenIsRejected() throws Exception {
    String repository = repository("unauthenticated");
    rule(repository, "*");
    SampleImages.Pushed pushed = images.push(repository, "base");
    String envelope = system.distributionEnvelope("push", pushed, "forged");

    assertThat(system.deliverWebhook(envelope, null).status()).isEqualTo(401);
    assertThat(system.deliverWebhook(envelope, "not-" + system.webhookToken()).status())
        .isEqualTo(401);

    system.awaitConversions(repository, JOB_APPEARS, "job", jobs -> !jobs.isEmpty());
    system.holdsFor(
        NOTHING_MORE,
        repository,
        jobs -> jobs.stream().noneMatch(job -> "forged".equals(job.path("sourceTag").asString())));
  }
}
