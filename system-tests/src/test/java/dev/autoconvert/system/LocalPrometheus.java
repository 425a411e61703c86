package dev.autoconvert.system;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import tools.jackson.databind.JsonNode;

/**
 * A Prometheus server of its own on 127.0.0.1, scraping the given targets every second and
 * evaluating a rule file as often, with its HTTP API. The binaries come from {@code
 * AUTOCONVERT_PROMETHEUS_BIN}, which {@code ./autoconvert test} sets (Debian's package, unpacked).
 */
final class LocalPrometheus implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final URI base;
  private final Path log;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private LocalPrometheus(Process process, URI base, Path log) {
    this.process = process;
    this.base = base;
    this.log = log;
  }

  /** The directory holding {@code prometheus} and {@code promtool}; skips the test without one. */
  static Path binaries() {
    String configured = System.getenv("AUTOCONVERT_PROMETHEUS_BIN");
    Path dir =
        configured != null
            ? Path.of(configured)
            : RepoRoot.find().resolve(".autoconvert/tools/prometheus/usr/bin");
    Assumptions.assumeTrue(
        Files.isExecutable(dir.resolve("promtool")),
        "Prometheus is not unpacked in "
            + dir
            + " (./autoconvert test does it): monitoring test skipped");
    return dir;
  }

  static LocalPrometheus start(Path work, Map<String, List<String>> targets, Path ruleFile)
      throws IOException, InterruptedException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    StringBuilder config =
        new StringBuilder("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n")
            .append("rule_files:\n  - ")
            .append(ruleFile.toAbsolutePath())
            .append("\nscrape_configs:\n");
    targets.forEach(
        (job, hosts) ->
            config
                .append("  - job_name: ")
                .append(job)
                .append("\n    metrics_path: /actuator/prometheus\n    static_configs:\n")
                .append("      - targets: ['")
                .append(String.join("', '", hosts))
                .append("']\n"));
    Path file = Files.writeString(work.resolve("prometheus.yml"), config);
    Path log = work.resolve("prometheus.log");
    Process process =
        new ProcessBuilder(
                binaries().resolve("prometheus").toString(),
                "--config.file=" + file,
                "--storage.tsdb.path=" + work.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    LocalPrometheus prometheus =
        new LocalPrometheus(process, URI.create("http://127.0.0.1:" + port), log);
    prometheus.awaitReady();
    return prometheus;
  }

  private void awaitReady() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new AssertionError("prometheus exited at start:\n" + Files.readString(log));
      }
      try {
        if (get("/-/ready").statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("prometheus not ready within " + START_TIMEOUT);
      }
      Thread.sleep(200);
    }
  }

  /** {@code GET /api/v1/<path>}'s {@code data}; fails unless the status is success. */
  JsonNode api(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = get("/api/v1/" + path);
    JsonNode body = RunningSystem.JSON.readTree(response.body());
    if (response.statusCode() != 200 || !"success".equals(body.path("status").asString())) {
      throw new AssertionError("GET /api/v1/" + path + " answered " + response.body());
    }
    return body.path("data");
  }

  /** An instant query's result vector (fails on a query Prometheus refuses). */
  JsonNode query(String promql) throws IOException, InterruptedException {
    return api("query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).path("result");
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
