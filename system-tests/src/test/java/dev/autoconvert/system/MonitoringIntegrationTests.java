package dev.autoconvert.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The monitoring assets of {@code infra/monitoring/} proven by Prometheus itself: promtool checks
 * the alert rules and runs their unit tests, and a real Prometheus scrapes the running system with
 * the rules loaded, so every dashboard query and alert expression is shown to work on the metrics
 * the services actually export, under the job names the README tells operators to use.
 */
class MonitoringIntegrationTests {

  /** A conversion of a small sample image on two shared cores; generous. */
  private static final Duration CONVERSION = Duration.ofMinutes(5);

  /** Until Prometheus has scraped twice and evaluated the rules. */
  private static final Duration SCRAPED = Duration.ofSeconds(60);

  /**
   * Panels that stay empty until what they count happens (a failure; notifications and registry
   * certificates, which {@code up} configures none of: their meters are checked in rule-service's
   * and the worker's tests); the test makes everything else.
   */
  private static final Set<String> EMPTY_UNTIL_IT_HAPPENS =
      Set.of(
          "Failed conversions, by failure code",
          "Notifications, by endpoint and outcome",
          "Registry certificates, time left");

  private static final String RUN =
      HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());

  @TempDir Path work;

  @Test
  void alertRulesPassPromtoolsCheckAndTheirUnitTests() throws Exception {
    Path promtool = LocalPrometheus.binaries().resolve("promtool");
    Path monitoring = RepoRoot.find().resolve("infra/monitoring");

    Commands.Result check =
        Commands.run(
            monitoring, Duration.ofMinutes(1), promtool.toString(), "check", "rules", "alerts.yml");
    Commands.Result tests =
        Commands.run(
            monitoring,
            Duration.ofMinutes(2),
            promtool.toString(),
            "test",
            "rules",
            "alerts-tests.yml");

    assertThat(check.exitCode()).as(check.output()).isZero();
    List<String> alerts = alertNames();
    assertThat(check.output()).contains("SUCCESS: " + alerts.size() + " rules found");
    assertThat(tests.exitCode()).as(tests.output()).isZero();
    assertThat(tests.output()).contains("SUCCESS");
    String unitTests = Files.readString(monitoring.resolve("alerts-tests.yml"));
    assertThat(alerts)
        .as("every alert has unit tests")
        .allSatisfy(alert -> assertThat(unitTests).contains("alertname: " + alert));
  }

  /** The alerts alerts.yml defines. */
  private static List<String> alertNames() throws IOException {
    Matcher alert =
        Pattern.compile("(?m)^\\s*- alert: (\\S+)$")
            .matcher(Files.readString(RepoRoot.find().resolve("infra/monitoring/alerts.yml")));
    List<String> names = new ArrayList<>();
    while (alert.find()) {
      names.add(alert.group(1));
    }
    return names;
  }

  @Test
  void prometheusScrapesEveryServiceAndEveryDashboardQueryAndAlertWorks() throws Exception {
    RunningSystem system = RunningSystem.fromEnvFile();
    Path monitoring = RepoRoot.find().resolve("infra/monitoring");
    String repository = "systest/" + RUN + "-monitoring";
    JsonNode rule = system.createRule(repository, "*");
    try {
      // what the panels count: a conversion, an event the listener ignores, a rejected webhook
      SampleImages.Pushed pushed = new SampleImages(system, work).push(repository, "v1");
      system.awaitConversions(
          repository,
          CONVERSION,
          "SUCCEEDED conversion",
          jobs -> jobs.stream().anyMatch(j -> "SUCCEEDED".equals(j.path("status").asString())));
      assertThat(
              system
                  .deliverWebhook(
                      system.distributionEnvelope("pull", pushed, "v1"), system.webhookToken())
                  .status())
          .isBetween(200, 299);
      assertThat(system.deliverWebhook("{\"events\": [", system.webhookToken()).status())
          .isEqualTo(400);

      try (LocalPrometheus prometheus =
          LocalPrometheus.start(
              Files.createDirectories(work.resolve("prometheus")),
              system.scrapeTargets(),
              monitoring.resolve("alerts.yml"))) {
        awaitEveryTargetUp(prometheus, system.scrapeTargets());
        // a rejection between two scrapes: the alert's increase() sees it
        assertThat(system.deliverWebhook("not json", system.webhookToken()).status())
            .isEqualTo(400);

        Map<String, List<String>> queries = dashboardQueries(monitoring);
        for (Map.Entry<String, List<String>> panel : queries.entrySet()) {
          for (String query : panel.getValue()) {
            JsonNode result = awaitResult(prometheus, query, panel.getKey());
            if (!EMPTY_UNTIL_IT_HAPPENS.contains(panel.getKey())) {
              assertThat(result.size()).as("%s: %s", panel.getKey(), query).isPositive();
            }
          }
        }
        assertThat(queries).hasSizeGreaterThan(10);

        assertAlertRulesEvaluateWithoutError(prometheus);
        List<JsonNode> alerts = new ArrayList<>();
        awaitAlert(prometheus, "AutoconvertWebhooksRejected", alerts);
        assertThat(alerts)
            .as("a healthy system raises none of these")
            .noneMatch(
                a ->
                    Set.of(
                            "AutoconvertServiceDown",
                            "AutoconvertOutboxStuck",
                            "AutoconvertWebhookAnswersSlow")
                        .contains(a.path("labels").path("alertname").asString()));
        assertThat(alerts)
            .anySatisfy(
                a -> {
                  assertThat(a.path("labels").path("alertname").asString())
                      .isEqualTo("AutoconvertWebhooksRejected");
                  assertThat(a.path("labels").path("reason").asString()).isEqualTo("malformed");
                  assertThat(a.path("state").asString()).isEqualTo("pending");
                });
      }
    } finally {
      system.api("DELETE", "/rules/" + rule.path("id").asString(), null);
    }
  }

  /** Every panel's queries, by panel title, with Grafana's variables set as for a 1 h view. */
  private static Map<String, List<String>> dashboardQueries(Path monitoring) throws Exception {
    JsonNode dashboard =
        RunningSystem.JSON.readTree(Files.readString(monitoring.resolve("grafana-dashboard.json")));
    Map<String, List<String>> queries = new LinkedHashMap<>();
    for (JsonNode panel : dashboard.path("panels")) {
      List<String> exprs = new ArrayList<>();
      for (JsonNode target : panel.path("targets")) {
        exprs.add(
            target
                .path("expr")
                .asString()
                .replace("$__rate_interval", "1m")
                .replace("$__range", "1h"));
      }
      assertThat(exprs).as("panel %s has queries", panel.path("title")).isNotEmpty();
      queries.put(panel.path("title").asString(), exprs);
    }
    return queries;
  }

  private static void awaitEveryTargetUp(
      LocalPrometheus prometheus, Map<String, List<String>> targets) throws Exception {
    int expected = targets.values().stream().mapToInt(List::size).sum();
    long deadline = System.nanoTime() + SCRAPED.toNanos();
    JsonNode active;
    while (true) {
      active = prometheus.api("targets?state=active").path("activeTargets");
      long up = 0;
      for (JsonNode target : active) {
        up += "up".equals(target.path("health").asString()) ? 1 : 0;
      }
      if (up == expected) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not every target is up within " + SCRAPED + ": " + active);
      }
      Thread.sleep(500);
    }
  }

  /** The query's result once it has one (rates need two scrapes), or the empty one at the end. */
  private static JsonNode awaitResult(LocalPrometheus prometheus, String query, String panel)
      throws Exception {
    long deadline = System.nanoTime() + SCRAPED.toNanos();
    JsonNode result = prometheus.query(query);
    while (result.isEmpty()
        && !EMPTY_UNTIL_IT_HAPPENS.contains(panel)
        && System.nanoTime() < deadline) {
      Thread.sleep(500);
      result = prometheus.query(query);
    }
    return result;
  }

  private static void assertAlertRulesEvaluateWithoutError(LocalPrometheus prometheus)
      throws Exception {
    long deadline = System.nanoTime() + SCRAPED.toNanos();
    List<JsonNode> rules;
    do {
      rules = new ArrayList<>();
      for (JsonNode group : prometheus.api("rules?type=alert").path("groups")) {
        group.path("rules").forEach(rules::add);
      }
      Thread.sleep(500);
    } while (rules.stream().anyMatch(r -> "unknown".equals(r.path("health").asString()))
        && System.nanoTime() < deadline);
    assertThat(rules).hasSize(alertNames().size());
    assertThat(rules)
        .allSatisfy(
            r ->
                assertThat(r.path("health").asString())
                    .as("%s: %s", r.path("name"), r.path("lastError"))
                    .isEqualTo("ok"));
  }

  /** Collects the active alerts into {@code alerts} once one named {@code name} is among them. */
  private static void awaitAlert(LocalPrometheus prometheus, String name, List<JsonNode> alerts)
      throws Exception {
    long deadline = System.nanoTime() + SCRAPED.toNanos();
    while (true) {
      alerts.clear();
      prometheus.api("alerts").path("alerts").forEach(alerts::add);
      if (alerts.stream().anyMatch(a -> name.equals(a.path("labels").path("alertname").asString()))
          || System.nanoTime() > deadline) {
        return;
      }
      Thread.sleep(500);
    }
  }
}
