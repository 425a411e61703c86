package dev.autoconvert.rules.rule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.bearer.BearerTokens;
import dev.autoconvert.rules.IntegrationTestSupport;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class RuleApiIntegrationTests extends IntegrationTestSupport {

  private Map<String, Object> rule(String name) {
    Map<String, Object> rule = new HashMap<>();
    rule.put("name", name + "-" + RUN);
    rule.put("repositoryPattern", "crud-" + RUN + "/**");
    rule.put("tagPattern", "v*");
    return rule;
  }

  @Test
  void flywayCreatedTheSchemaThatJpaValidated() throws Exception {
    assertThat(
            queryLong("SELECT count(*) FROM flyway_schema_history WHERE version = '1' AND success"))
        .isEqualTo(1);
  }

  @Test
  void ruleIsCreatedReadReplacedAndDeleted() throws Exception {
    Map<String, Object> body = rule("crud");
    body.put("options", Map.of("compressor", "lz4_block", "chunkSize", 4 * 1024 * 1024));
    Reply created = post("/api/v1/rules", body);
    assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
    String id = created.body().get("id").asString();
    assertThat(created.raw().headers().firstValue("Location")).hasValue("/api/v1/rules/" + id);
    assertThat(created.body().get("enabled").asBoolean()).isTrue();
    assertThat(created.body().get("patternSyntax").asString()).isEqualTo("GLOB");
    assertThat(created.body().get("tagSuffix").asString()).isEqualTo("-nydus");
    assertThat(created.body().get("options").get("compressor").asString()).isEqualTo("lz4_block");
    assertThat(created.body().get("options").get("chunkSize").asInt()).isEqualTo(4194304);
    assertThat(created.body().get("options").get("digester").asString()).isEqualTo("sha256");

    Reply read = get("/api/v1/rules/" + id);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.body().get("name").asString()).isEqualTo("crud-" + RUN);

    body.put("enabled", false);
    body.put("tagSuffix", "-lazy");
    Reply replaced = call("PUT", "/api/v1/rules/" + id, ADMIN_TOKEN, body);
    assertThat(replaced.status()).as(replaced.raw().body()).isEqualTo(200);
    assertThat(replaced.body().get("enabled").asBoolean()).isFalse();
    assertThat(replaced.body().get("tagSuffix").asString()).isEqualTo("-lazy");

    Reply list = get("/api/v1/rules?size=200");
    assertThat(list.body().get("page").asInt()).isZero();
    assertThat(list.body().get("size").asInt()).isEqualTo(200);
    assertThat(list.body().get("total").asLong()).isPositive();

    assertThat(call("DELETE", "/api/v1/rules/" + id, ADMIN_TOKEN, null).status()).isEqualTo(204);
    Reply gone = get("/api/v1/rules/" + id);
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.raw().headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    assertThat(gone.body().get("detail").asString()).contains(id);
  }

  @Test
  void invalidFieldsAreAProblemNamingEachField() throws Exception {
    Map<String, Object> body = rule("invalid");
    body.put("name", "");
    body.put("tagSuffix", "/nope");
    body.put("options", Map.of("compressor", "gzip", "chunkSize", 1000));
    Reply reply = post("/api/v1/rules", body);
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.raw().headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    String detail = reply.body().get("detail").asString();
    assertThat(detail)
        .contains("name")
        .contains("tagSuffix")
        .contains("options.compressor")
        .contains("chunkSize");
    assertThat(reply.body().get("errors").size()).isEqualTo(4);
  }

  @Test
  void invalidPatternIsAProblemNamingThePattern() throws Exception {
    Map<String, Object> body = rule("badregex");
    body.put("patternSyntax", "REGEX");
    body.put("repositoryPattern", "crud-" + RUN + "/.*");
    body.put("tagPattern", "(v1");
    Reply reply = post("/api/v1/rules", body);
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.body().get("pattern").asString()).isEqualTo("(v1");
    assertThat(reply.body().get("detail").asString()).contains("'(v1'");

    Map<String, Object> glob = rule("badglob");
    glob.put("repositoryPattern", "team/{a,b");
    Reply globReply = post("/api/v1/rules", glob);
    assertThat(globReply.status()).isEqualTo(400);
    assertThat(globReply.body().get("detail").asString()).contains("'team/{a,b'");
  }

  @Test
  void secondRuleWithTheSameNameIsAConflict() throws Exception {
    createRule(rule("twin"));
    Reply second = post("/api/v1/rules", rule("twin"));
    assertThat(second.status()).isEqualTo(409);
    assertThat(second.body().get("detail").asString()).contains("twin-" + RUN);
  }

  @Test
  void requestsWithoutAValidTokenAreUnauthorized() throws Exception {
    Reply none = call("GET", "/api/v1/rules", null, null);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.raw().headers().firstValue("WWW-Authenticate")).isPresent();
    assertThat(none.body().get("status").asInt()).isEqualTo(401);

    Reply wrong = call("GET", "/api/v1/conversions", "not-" + READ_TOKEN, null);
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.raw().body()).doesNotContain(READ_TOKEN).doesNotContain(ADMIN_TOKEN);

    Reply wrongWrite = call("POST", "/api/v1/rules", ADMIN_TOKEN + "x", rule("unauth"));
    assertThat(wrongWrite.status()).isEqualTo(401);
  }

  @Test
  void eitherAdminTokenWritesWhileOneIsRotated() throws Exception {
    Reply created = call("POST", "/api/v1/rules", NEXT_ADMIN_TOKEN, rule("rotated"));
    assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
    String id = created.body().get("id").asString();
    assertThat(call("DELETE", "/api/v1/rules/" + id, ADMIN_TOKEN, null).status()).isEqualTo(204);

    Reply bothAsOne = call("GET", "/api/v1/rules", ADMIN_TOKEN + "," + NEXT_ADMIN_TOKEN, null);
    assertThat(bothAsOne.status()).isEqualTo(401);
  }

  @Test
  void everyChangeIsRecordedWithTheTokenThatMadeItAndOutlivesTheRule() throws Exception {
    Map<String, Object> body = rule("history");
    Reply created = call("POST", "/api/v1/rules", NEXT_ADMIN_TOKEN, body);
    String id = created.body().get("id").asString();
    body.put("enabled", false);
    assertThat(call("PUT", "/api/v1/rules/" + id, ADMIN_TOKEN, body).status()).isEqualTo(200);
    assertThat(call("DELETE", "/api/v1/rules/" + id, ADMIN_TOKEN, null).status()).isEqualTo(204);

    Reply history = call("GET", "/api/v1/rules/" + id + "/history", READ_TOKEN, null);

    assertThat(history.status()).as(history.raw().body()).isEqualTo(200);
    assertThat(history.body().get("total").asInt()).isEqualTo(3);
    JsonNode items = history.body().get("items");
    assertThat(items.valueStream().map(c -> c.get("action").asString()))
        .containsExactly("DELETED", "REPLACED", "CREATED");
    assertThat(items.valueStream().map(c -> c.get("actor").asString()))
        .containsExactly(
            "admin " + BearerTokens.fingerprint(ADMIN_TOKEN),
            "admin " + BearerTokens.fingerprint(ADMIN_TOKEN),
            "admin " + BearerTokens.fingerprint(NEXT_ADMIN_TOKEN));
    assertThat(history.raw().body()).doesNotContain(ADMIN_TOKEN).doesNotContain(NEXT_ADMIN_TOKEN);
    JsonNode replaced = items.get(1);
    assertThat(replaced.get("before").get("enabled").asBoolean()).isTrue();
    assertThat(replaced.get("after").get("enabled").asBoolean()).isFalse();
    assertThat(items.get(2).get("before").isNull()).isTrue();
    assertThat(items.get(0).get("after").isNull()).isTrue();
    assertThat(items.get(0).get("before").get("name").asString()).isEqualTo("history-" + RUN);
    assertThat(get("/api/v1/rules/" + UUID.randomUUID() + "/history").status()).isEqualTo(404);
  }

  /** Rules kept as code: a team applies its own rule set, under its name prefix. */
  @Test
  void aRuleSetIsAppliedUnderItsPrefixByNameAndLeavesOtherRulesAlone() throws Exception {
    String prefix = "team-" + RUN + "/";
    String outside = createRule(rule("outside"));
    String keep = createRule(narrow(prefix + "keep"));
    Map<String, Object> change = narrow(prefix + "change");
    change.put("tagPattern", "v*");
    String changed = createRule(change);
    String drop = createRule(narrow(prefix + "drop"));
    change.put("enabled", false);
    // a rule as GET shows it (id and times included) is a valid item
    JsonNode keepAsShown = get("/api/v1/rules/" + keep).body();
    Map<String, Object> set = Map.of("rules", List.of(keepAsShown, change, narrow(prefix + "new")));
    String path = "/api/v1/rules?prefix=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8);

    Reply dryRun = call("PUT", path + "&dryRun=true", ADMIN_TOKEN, set);

    assertThat(dryRun.status()).as(dryRun.raw().body()).isEqualTo(200);
    assertThat(dryRun.body().get("dryRun").asBoolean()).isTrue();
    assertReport(
        dryRun.body(), prefix + "new", prefix + "change", prefix + "drop", prefix + "keep");
    assertThat(get("/api/v1/rules/" + drop).status())
        .as("a dry run changes nothing")
        .isEqualTo(200);

    Reply applied = call("PUT", path, ADMIN_TOKEN, set);

    assertThat(applied.status()).as(applied.raw().body()).isEqualTo(200);
    assertThat(applied.body().get("dryRun").asBoolean()).isFalse();
    assertReport(
        applied.body(), prefix + "new", prefix + "change", prefix + "drop", prefix + "keep");
    assertThat(get("/api/v1/rules/" + drop).status()).isEqualTo(404);
    assertThat(get("/api/v1/rules/" + changed).body().get("enabled").asBoolean()).isFalse();
    assertThat(get("/api/v1/rules/" + outside).status()).isEqualTo(200);
    assertThat(namesStartingWith(prefix))
        .isEqualTo(prefix + "change," + prefix + "keep," + prefix + "new");
    JsonNode lastChange = get("/api/v1/rules/" + changed + "/history").body().get("items").get(0);
    assertThat(lastChange.get("action").asString()).isEqualTo("REPLACED");
    assertThat(lastChange.get("actor").asString())
        .isEqualTo("admin " + BearerTokens.fingerprint(ADMIN_TOKEN));
    assertThat(get("/api/v1/rules/" + keep + "/history").body().get("total").asInt())
        .as("an unchanged rule gets no history entry")
        .isEqualTo(1);
    JsonNode again = call("PUT", path, ADMIN_TOKEN, set).body();
    assertThat(again.get("unchanged")).hasSize(3);
    assertThat(again.get("created")).isEmpty();
    assertThat(again.get("replaced")).isEmpty();
  }

  @Test
  void aRuleSetThatCannotBeAppliedWhollyIsRefusedNamingWhyAndChangesNothing() throws Exception {
    String prefix = "refused-" + RUN + "/";
    String kept = createRule(narrow(prefix + "kept"));
    String path = "/api/v1/rules?prefix=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8);

    Reply outsidePrefix =
        call("PUT", path, ADMIN_TOKEN, Map.of("rules", List.of(Map.of("name", "elsewhere"))));
    Reply twice =
        call(
            "PUT",
            path,
            ADMIN_TOKEN,
            Map.of("rules", List.of(narrow(prefix + "a"), narrow(prefix + "a"))));
    Reply badPattern =
        call(
            "PUT",
            path,
            ADMIN_TOKEN,
            Map.of(
                "rules",
                List.of(
                    narrow(prefix + "b"),
                    Map.of("name", prefix + "c", "patternSyntax", "REGEX", "tagPattern", "(v"))));
    Reply readOnly = call("PUT", path, READ_TOKEN, Map.of("rules", List.of()));

    assertThat(outsidePrefix.status()).isEqualTo(400);
    assertThat(outsidePrefix.body().get("detail").asString())
        .isEqualTo("rule 'elsewhere' does not start with the prefix '" + prefix + "'");
    assertThat(twice.status()).isEqualTo(400);
    assertThat(twice.body().get("detail").asString()).contains("'" + prefix + "a' twice");
    assertThat(badPattern.status()).as(badPattern.raw().body()).isEqualTo(400);
    assertThat(badPattern.body().get("detail").asString())
        .startsWith("rule '" + prefix + "c': invalid pattern '(v'");
    assertThat(readOnly.status()).isEqualTo(403);
    assertThat(get("/api/v1/rules/" + kept).status()).isEqualTo(200);
    assertThat(namesStartingWith(prefix)).isEqualTo(prefix + "kept");
  }

  /** A rule matching only repositories no test pushes to: these tests share one rule-service. */
  private static Map<String, Object> narrow(String name) {
    return new HashMap<>(Map.of("name", name, "repositoryPattern", "never-pushed-" + RUN + "/*"));
  }

  /** The names of the rules under {@code prefix}, sorted and joined by commas; null if none. */
  private static String namesStartingWith(String prefix) throws Exception {
    return queryString(
        "SELECT string_agg(name, ',' ORDER BY name) FROM rules WHERE starts_with(name, ?)", prefix);
  }

  private static void assertReport(
      JsonNode report, String created, String replaced, String deleted, String unchanged) {
    assertThat(report.get("created").valueStream().map(JsonNode::asString))
        .containsExactly(created);
    assertThat(report.get("replaced").valueStream().map(JsonNode::asString))
        .containsExactly(replaced);
    assertThat(report.get("deleted").valueStream().map(JsonNode::asString))
        .containsExactly(deleted);
    assertThat(report.get("unchanged").valueStream().map(JsonNode::asString))
        .containsExactly(unchanged);
  }

  @Test
  void readTokenReadsButCannotWrite() throws Exception {
    assertThat(call("GET", "/api/v1/rules", READ_TOKEN, null).status()).isEqualTo(200);
    Reply write = call("POST", "/api/v1/rules", READ_TOKEN, rule("reader"));
    assertThat(write.status()).isEqualTo(403);
    assertThat(write.body().get("detail").asString()).contains("read-only");
    assertThat(namesStartingWith("reader-" + RUN)).isNull();
  }

  @Test
  void dryRunNamesTheMatchingRules() throws Exception {
    Map<String, Object> tagged = rule("dryrun");
    tagged.put("repositoryPattern", "dry-" + RUN + "/*");
    String id = createRule(tagged);
    Map<String, Object> other = rule("dryrun-other");
    other.put("repositoryPattern", "elsewhere-" + RUN + "/*");
    createRule(other);

    Reply reply = get("/api/v1/rules/match?repository=dry-" + RUN + "/app&tag=v1.2");
    assertThat(reply.status()).isEqualTo(200);
    List<String> ids =
        reply.body().get("rules").valueStream().map(r -> r.get("ruleId").asString()).toList();
    assertThat(ids).containsExactly(id);
    assertThat(reply.body().get("rules").get(0).get("targetTag").asString())
        .isEqualTo("v1.2-nydus");

    assertThat(
            get("/api/v1/rules/match?repository=dry-" + RUN + "/app&tag=latest")
                .body()
                .get("rules"))
        .isEmpty();
  }

  @Test
  void exclusionsAreStoredAndKeepWhatTheyNameOutOfTheDryRun() throws Exception {
    Map<String, Object> body = rule("exclusions");
    body.put("repositoryPattern", "excl-" + RUN + "/**");
    body.put("tagPattern", "*");
    body.put("excludeRepositoryPattern", "excl-" + RUN + "/scratch/**");
    body.put("excludeTagPattern", "{*-debug,sha256-*}");
    Reply created = post("/api/v1/rules", body);
    assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
    String id = created.body().get("id").asString();
    Reply read = get("/api/v1/rules/" + id);
    assertThat(read.body().get("excludeRepositoryPattern").asString())
        .isEqualTo("excl-" + RUN + "/scratch/**");
    assertThat(read.body().get("excludeTagPattern").asString()).isEqualTo("{*-debug,sha256-*}");

    // rules of other tests (some match every name) share the database: look for this one only
    assertThat(matchingRules("excl-" + RUN + "/app", "v1")).contains(id);
    assertThat(matchingRules("excl-" + RUN + "/app", "v1-debug")).doesNotContain(id);
    assertThat(matchingRules("excl-" + RUN + "/app", "sha256-0123.sig")).doesNotContain(id);
    assertThat(matchingRules("excl-" + RUN + "/scratch/app", "v1")).doesNotContain(id);

    body.put("name", "bad-exclusion-" + RUN);
    body.put("excludeTagPattern", "{a,b");
    Reply bad = post("/api/v1/rules", body);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().get("pattern").asString()).isEqualTo("{a,b");
  }

  private List<String> matchingRules(String repository, String tag) throws Exception {
    Reply reply = get("/api/v1/rules/match?repository=" + repository + "&tag=" + tag);
    assertThat(reply.status()).isEqualTo(200);
    return reply.body().get("rules").valueStream().map(r -> r.get("ruleId").asString()).toList();
  }

  @Test
  void dashboardPageIsServedWithoutTokenAndReadsTheApiWithOne() throws Exception {
    Reply page = call("GET", "/", null, null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.raw().body())
        .contains("nydus-autoconvert")
        .contains("/conversions/summary")
        .contains("Authorization");
  }

  @Test
  void openApiAndMetricsAreServed() throws Exception {
    Reply api = call("GET", "/v3/api-docs", null, null);
    assertThat(api.status()).isEqualTo(200);
    assertThat(api.body().get("paths").has("/api/v1/conversions/{id}/retry")).isTrue();
    assertThat(call("GET", "/actuator/health", null, null).status()).isEqualTo(200);
    Reply prometheus = call("GET", "/actuator/prometheus", null, null);
    assertThat(prometheus.status()).isEqualTo(200);
    assertThat(prometheus.raw().body())
        .contains("autoconvert_jobs")
        .contains("autoconvert_outbox_unsent");
  }
}
