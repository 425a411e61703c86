package dev.autoconvert.system;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The system as {@code ./autoconvert up} runs it, reached through the endpoints and tokens it wrote
 * to {@code .autoconvert/env}: the rule-service REST API, the listener's webhook and the registry.
 */
final class RunningSystem {

  private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

  /** How long a part stopped with SIGTERM may take to exit: Kubernetes' default grace period. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(30);

  private static final int CONVERSIONS_PAGE = 100;
  static final JsonMapper JSON = JsonMapper.shared();

  private final Path repoRoot;
  private final Map<String, String> env;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private RunningSystem(Path repoRoot, Map<String, String> env) {
    this.repoRoot = repoRoot;
    this.env = env;
  }

  /**
   * Reads {@code <repo root>/.autoconvert/env}; the repo root holds the {@code autoconvert} script.
   */
  static RunningSystem fromEnvFile() throws IOException {
    Path dir = RepoRoot.find();
    Path file = dir.resolve(".autoconvert/env");
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(file + " is missing: start the system with ./autoconvert up");
    }
    Map<String, String> env = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      int eq = line.indexOf('=');
      if (!line.startsWith("#") && eq > 0) {
        env.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return new RunningSystem(dir, env);
  }

  Path repoRoot() {
    return repoRoot;
  }

  /** Stops {@code part} as Kubernetes stops a pod (SIGTERM), and waits until it exited. */
  void stop(String part) throws IOException, InterruptedException {
    String pid = Long.toString(pid(part));
    Commands.Result kill = Commands.run(repoRoot, Duration.ofSeconds(10), "kill", "-TERM", pid);
    if (kill.exitCode() != 0) {
      throw new AssertionError("could not stop " + part + ": " + kill.output());
    }
    long deadline = System.nanoTime() + STOP_WAIT.toNanos();
    while (Files.exists(Path.of("/proc", pid))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(part + " did not exit within " + STOP_WAIT + " of SIGTERM");
      }
      Thread.sleep(100);
    }
  }

  /** Registry host:port, as the services name it. */
  String registry() {
    return setting("AUTOCONVERT_REGISTRY");
  }

  /**
   * Where Prometheus scrapes each service, by the job names {@code infra/monitoring/alerts.yml}
   * expects: {@code host:port} of every instance, workers on consecutive ports.
   */
  Map<String, List<String>> scrapeTargets() {
    List<String> workers = new ArrayList<>();
    int firstWorker = Integer.parseInt(setting("AUTOCONVERT_WORKER_PORT"));
    for (int i = 0; i < Integer.parseInt(setting("AUTOCONVERT_WORKERS")); i++) {
      workers.add("127.0.0.1:" + (firstWorker + i));
    }
    return Map.of(
        "autoconvert-rule-service", List.of("127.0.0.1:" + setting("AUTOCONVERT_API_PORT")),
        "autoconvert-listener", List.of("127.0.0.1:" + setting("AUTOCONVERT_LISTENER_PORT")),
        "autoconvert-worker", workers);
  }

  private String setting(String key) {
    String value = env.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(key + " is missing from .autoconvert/env");
    }
    return value;
  }

  record Response(int status, String body) {
    JsonNode json() {
      return JSON.readTree(body);
    }

    boolean successful() {
      return status / 100 == 2;
    }
  }

  /** A rule-service call with the admin token; {@code json} null sends no body. */
  Response api(String method, String path, Object json) throws IOException, InterruptedException {
    return apiWithToken(setting("AUTOCONVERT_API_TOKEN"), method, path, json);
  }

  /** A rule-service call with {@code token}. */
  Response apiWithToken(String token, String method, String path, Object json)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(setting("AUTOCONVERT_API_URL") + "/api/v1" + path))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + token);
    if (json == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(json)));
    }
    return send(request.build());
  }

  /** A rule whose patterns match exactly one repository; the tag pattern decides the rest. */
  JsonNode createRule(String repository, String tagPattern)
      throws IOException, InterruptedException {
    Map<String, Object> rule = new HashMap<>();
    rule.put("name", "system-test " + repository + ":" + tagPattern);
    rule.put("description", "created by system-tests");
    rule.put("enabled", true);
    rule.put("registry", registry());
    rule.put("repositoryPattern", repository);
    rule.put("tagPattern", tagPattern);
    Response created = api("POST", "/rules", rule);
    if (!created.successful()) {
      throw new AssertionError("POST /rules answered " + created.status() + ": " + created.body());
    }
    return created.json();
  }

  /** The newest 100 conversions of one repository, newest first as the API orders them. */
  List<JsonNode> conversions(String repository) throws IOException, InterruptedException {
    return conversionsPage(repository, 0);
  }

  /** Every conversion of one repository, page by page. */
  List<JsonNode> allConversions(String repository) throws IOException, InterruptedException {
    List<JsonNode> all = new ArrayList<>();
    for (int page = 0; ; page++) {
      List<JsonNode> items = conversionsPage(repository, page);
      all.addAll(items);
      if (items.size() < CONVERSIONS_PAGE) {
        return all;
      }
    }
  }

  private List<JsonNode> conversionsPage(String repository, int number)
      throws IOException, InterruptedException {
    Response page =
        api(
            "GET",
            "/conversions?size="
                + CONVERSIONS_PAGE
                + "&page="
                + number
                + "&repository="
                + URLEncoder.encode(repository, StandardCharsets.UTF_8),
            null);
    if (!page.successful()) {
      throw new AssertionError("GET /conversions answered " + page.status() + ": " + page.body());
    }
    List<JsonNode> items = new ArrayList<>();
    page.json().path("items").forEach(items::add);
    return items;
  }

  /** Polls until the repository's conversions satisfy {@code condition}; returns them. */
  List<JsonNode> awaitConversions(
      String repository, Duration timeout, String what, Predicate<List<JsonNode>> condition)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<JsonNode> seen = conversions(repository);
    while (!condition.test(seen)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "no " + what + " for " + repository + " within " + timeout + "; conversions: " + seen);
      }
      Thread.sleep(POLL_INTERVAL.toMillis());
      seen = conversions(repository);
    }
    return seen;
  }

  /** Checks for the whole period that the repository's conversions keep satisfying a condition. */
  void holdsFor(Duration period, String repository, Predicate<List<JsonNode>> condition)
      throws IOException, InterruptedException {
    long end = System.nanoTime() + period.toNanos();
    do {
      List<JsonNode> seen = conversions(repository);
      if (!condition.test(seen)) {
        throw new AssertionError("conversions of " + repository + " changed: " + seen);
      }
      Thread.sleep(POLL_INTERVAL.toMillis());
    } while (System.nanoTime() < end);
  }

  /**
   * The value rule-service's {@code /actuator/prometheus} shows for {@code name} with a label set
   * containing {@code label} (e.g. {@code outcome="MATCHED"}); 0 before the series exists.
   */
  double ruleServiceMetric(String name, String label) throws IOException, InterruptedException {
    Response scrape =
        send(
            HttpRequest.newBuilder(
                    URI.create(setting("AUTOCONVERT_API_URL") + "/actuator/prometheus"))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build());
    if (!scrape.successful()) {
      throw new AssertionError("GET /actuator/prometheus answered " + scrape.status());
    }
    return scrape
        .body()
        .lines()
        .filter(line -> line.startsWith(name + "{") && line.contains(label))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** Polls {@link #ruleServiceMetric} until it exceeds {@code floor}. */
  void awaitRuleServiceMetricAbove(String name, String label, double floor, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    double value;
    while ((value = ruleServiceMetric(name, label)) <= floor) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            name
                + "{"
                + label
                + "} stayed at "
                + value
                + " for "
                + timeout
                + " (from "
                + floor
                + ")");
      }
      Thread.sleep(POLL_INTERVAL.toMillis());
    }
  }

  /** Posts a Distribution notification envelope to the listener; token null sends none. */
  Response deliverWebhook(String envelope, String token) throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(setting("AUTOCONVERT_WEBHOOK_URL")))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/vnd.docker.distribution.events.v1+json")
            .POST(HttpRequest.BodyPublishers.ofString(envelope));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request.build());
  }

  /**
   * A Distribution 2.x notification of one event as the registry sends it ({@code action} push or
   * pull) for a tagged manifest, with an event id of its own.
   */
  String distributionEnvelope(String action, SampleImages.Pushed pushed, String tag) {
    Map<String, Object> target = new LinkedHashMap<>();
    target.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
    target.put("size", pushed.size());
    target.put("digest", pushed.digest());
    target.put("length", pushed.size());
    target.put("repository", pushed.repository());
    target.put(
        "url",
        "http://" + registry() + "/v2/" + pushed.repository() + "/manifests/" + pushed.digest());
    target.put("tag", tag);
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("id", UUID.randomUUID().toString());
    event.put("timestamp", Instant.now().toString());
    event.put("action", action);
    event.put("target", target);
    event.put(
        "request",
        Map.of(
            "id",
            UUID.randomUUID().toString(),
            "addr",
            "127.0.0.1:40000",
            "host",
            registry(),
            "method",
            action.equals("push") ? "PUT" : "GET",
            "useragent",
            "system-tests"));
    event.put("actor", Map.of());
    event.put(
        "source", Map.of("addr", "localhost:5000", "instanceID", UUID.randomUUID().toString()));
    return JSON.writeValueAsString(Map.of("events", List.of(event)));
  }

  /**
   * The file {@code ./autoconvert up} hands a service one of its tokens in ({@code api-token}...).
   */
  Path secretFile(String name) {
    return repoRoot.resolve(".autoconvert/secrets").resolve(name);
  }

  /** The process id of a part {@code up} started ({@code listener}, {@code rule-service}...). */
  long pid(String part) throws IOException {
    return Long.parseLong(
        Files.readString(repoRoot.resolve(".autoconvert/run").resolve(part + ".pid")).strip());
  }

  String webhookToken() {
    return setting("AUTOCONVERT_WEBHOOK_TOKEN");
  }

  /** GET of a manifest from the registry, with every manifest type accepted (Distribution 2.8). */
  Response registryManifest(String repository, String reference)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://" + registry() + "/v2/" + repository + "/manifests/" + reference))
            .timeout(Duration.ofSeconds(10))
            .header(
                "Accept",
                "application/vnd.oci.image.manifest.v1+json,"
                    + " application/vnd.oci.image.index.v1+json,"
                    + " application/vnd.docker.distribution.manifest.v2+json,"
                    + " application/vnd.docker.distribution.manifest.list.v2+json")
            .GET()
            .build();
    return send(request);
  }

  /**
   * {@code ./autoconvert check} of {@code repository:tag} against its copy {@code tag-nydus}: the
   * converter's own verification (structure, fsck.erofs, the same files as the source).
   */
  Commands.Result checkCopy(String repository, String tag)
      throws IOException, InterruptedException {
    String source = registry() + "/" + repository + ":" + tag;
    return Commands.run(
        repoRoot,
        Duration.ofMinutes(5),
        "./autoconvert",
        "check",
        "--source",
        source,
        "--target",
        source + "-nydus",
        "--plain-http");
  }

  private Response send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    return new Response(response.statusCode(), response.body());
  }
}
