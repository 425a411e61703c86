package dev.autoconvert.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.contracts.ConversionOptions;
import dev.autoconvert.contracts.JobStatus;
import dev.autoconvert.contracts.JsonCodec;
import dev.autoconvert.contracts.PushEvent;
import dev.autoconvert.testsupport.kafka.TestTopics;
import dev.autoconvert.testsupport.registry.LocalRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs rule-service against the real PostgreSQL (its own database, created here) and the real,
 * shared Kafka broker. Everything a test creates carries {@link #RUN} in its name, so tests of
 * other engineers and earlier runs on the same broker and database never interfere.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class IntegrationTestSupport {
  protected static final String RUN = UUID.randomUUID().toString().substring(0, 8);

  /**
   * This run's own topics, so that a rule-service or worker running on the same broker ({@code
   * ./autoconvert up}) never reads what the tests publish, nor the tests what it does.
   */
  protected static final String PUSH_EVENTS_TOPIC = "it-rules-push-events-" + RUN;

  protected static final String REQUESTS_TOPIC = "it-rules-requests-" + RUN;
  protected static final String STATUS_TOPIC = "it-rules-status-" + RUN;
  protected static final String CANCELLATIONS_TOPIC = "it-rules-cancellations-" + RUN;
  protected static final String ADMIN_TOKEN = "admin-" + UUID.randomUUID();
  protected static final String READ_TOKEN = "read-" + UUID.randomUUID();

  /** A second admin token, as while the first is rotated. */
  protected static final String NEXT_ADMIN_TOKEN = "admin-next-" + UUID.randomUUID();

  protected static final String REGISTRY = "registry-it.local:5000";

  /** Signs what the {@code all} notification endpoint receives. */
  protected static final String NOTIFICATION_SECRET = "notify-" + UUID.randomUUID();

  /**
   * Receives every test's notifications: at {@code /all} each finished job, signed; at {@code
   * /succeeded} only SUCCEEDED ones; at {@code /slow}, which answers too late, SKIPPED ones.
   */
  protected static final NotificationReceiver NOTIFICATIONS = NotificationReceiver.start();

  /** How long rule-service waits for an endpoint's answer (the receiver's /slow takes longer). */
  protected static final Duration NOTIFICATION_TIMEOUT = Duration.ofSeconds(2);

  static final String PG_URL =
      env("AUTOCONVERT_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/rules_it");
  static final String PG_USER = env("AUTOCONVERT_TEST_PG_USER", "nydus");
  static final String PG_PASSWORD = env("AUTOCONVERT_TEST_PG_PASSWORD", "nydus");
  protected static final String KAFKA = env("AUTOCONVERT_TEST_KAFKA", "127.0.0.1:9092");

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static LocalRegistry registry;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static KafkaProducer<String, byte[]> producer;
  private static KafkaConsumer<String, byte[]> requestConsumer;
  private static final List<ConsumerRecord<String, byte[]>> requests = new ArrayList<>();

  @Value("${local.server.port}")
  protected int port;

  @DynamicPropertySource
  static void services(DynamicPropertyRegistry registry) {
    createDatabaseIfMissing();
    registry.add("spring.datasource.url", () -> PG_URL);
    registry.add("spring.datasource.username", () -> PG_USER);
    registry.add("spring.datasource.password", () -> PG_PASSWORD);
    registry.add("spring.kafka.bootstrap-servers", () -> KAFKA);
    registry.add("spring.kafka.consumer.group-id", () -> "rule-service-it-" + RUN);
    // what the listener and the workers would create; rule-service creates the other two
    TestTopics.create(KAFKA, 3, PUSH_EVENTS_TOPIC, STATUS_TOPIC);
    registry.add("autoconvert.rules.admin-token", () -> ADMIN_TOKEN + "," + NEXT_ADMIN_TOKEN);
    registry.add("autoconvert.rules.read-token", () -> READ_TOKEN);
    registry.add("autoconvert.rules.outbox.poll-interval", () -> "100ms");
    registry.add("autoconvert.rules.metrics.refresh-interval", () -> "500ms");
    registry.add("autoconvert.rules.echo-wait", () -> "8s");
    registry.add("autoconvert.rules.topics.push-events", () -> PUSH_EVENTS_TOPIC);
    registry.add("autoconvert.rules.topics.conversion-requests", () -> REQUESTS_TOPIC);
    registry.add("autoconvert.rules.topics.conversion-status", () -> STATUS_TOPIC);
    registry.add("autoconvert.rules.topics.conversion-cancellations", () -> CANCELLATIONS_TOPIC);
    // tests sweep and purge themselves, at the times they choose
    registry.add("autoconvert.rules.watchdog.interval", () -> "1h");
    registry.add("autoconvert.rules.push-events.purge-interval", () -> "1h");
    registry.add("autoconvert.rules.push-events.purge-batch-size", () -> "5");
    registry.add("autoconvert.rules.jobs.purge-interval", () -> "1h");
    registry.add("autoconvert.rules.jobs.purge-batch-size", () -> "5");
    registry.add("autoconvert.rules.reconcile.registries[0].host", () -> registry().host());
    registry.add("autoconvert.rules.reconcile.registries[0].plain-http", () -> "true");
    String endpoints = "autoconvert.rules.notifications.endpoints";
    registry.add(endpoints + "[0].name", () -> "all");
    registry.add(endpoints + "[0].url", () -> NOTIFICATIONS.url("/all"));
    registry.add(endpoints + "[0].secret", () -> NOTIFICATION_SECRET);
    registry.add(endpoints + "[1].name", () -> "succeeded");
    registry.add(endpoints + "[1].url", () -> NOTIFICATIONS.url("/succeeded"));
    registry.add(endpoints + "[1].statuses", () -> "SUCCEEDED");
    registry.add(endpoints + "[2].name", () -> "slow");
    registry.add(endpoints + "[2].url", () -> NOTIFICATIONS.url("/slow"));
    registry.add(endpoints + "[2].statuses", () -> "SKIPPED");
    registry.add(
        "autoconvert.rules.notifications.timeout", () -> NOTIFICATION_TIMEOUT.toMillis() + "ms");
    registry.add("autoconvert.rules.notifications.poll-interval", () -> "100ms");
    registry.add("autoconvert.rules.notifications.initial-backoff", () -> "200ms");
    // /slow fails every delivery: its retries, and the pauses of its loop, stay short
    registry.add("autoconvert.rules.notifications.max-backoff", () -> "1s");
  }

  /** A real docker-registry for the whole test JVM, started on first use. */
  protected static synchronized LocalRegistry registry() {
    if (registry == null) {
      try {
        LocalRegistry started = LocalRegistry.start();
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      try {
                        started.close();
                      } catch (IOException e) {
                        // the JVM is exiting; a leftover temp directory is all that remains
                      }
                    }));
        registry = started;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start docker-registry", e);
      }
    }
    return registry;
  }

  static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  /** Creates the test database through the server's maintenance database {@code postgres}. */
  private static void createDatabaseIfMissing() {
    int slash = PG_URL.lastIndexOf('/');
    int query = PG_URL.indexOf('?', slash);
    String database = PG_URL.substring(slash + 1, query < 0 ? PG_URL.length() : query);
    String maintenance = PG_URL.substring(0, slash + 1) + "postgres";
    try (Connection c = DriverManager.getConnection(maintenance, PG_USER, PG_PASSWORD);
        var exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, database);
      if (!exists.executeQuery().next()) {
        try (var create = c.createStatement()) {
          create.execute("CREATE DATABASE \"" + database.replace("\"", "") + "\"");
        } catch (SQLException e) {
          if (!"42P04".equals(e.getSQLState())) { // created meanwhile by a parallel run
            throw e;
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + database, e);
    }
  }

  protected static Connection db() throws SQLException {
    return DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD);
  }

  /**
   * Writes a job row directly, with the times a test needs: no transition, no outbox row (so the
   * relay never marks it QUEUED), worker {@code worker-1}, sequence 7, default options.
   */
  protected static UUID insertJob(
      String repository,
      JobStatus status,
      int attempts,
      int requeues,
      Instant createdAt,
      Instant updatedAt)
      throws SQLException {
    UUID id = UUID.randomUUID();
    try (Connection c = db();
        var sql =
            c.prepareStatement(
                """
                INSERT INTO conversion_jobs (id, trigger, sequence, status, registry,
                  source_repository, source_tag, source_digest, target_repository, target_tag,
                  options, attempts, requeues, worker_id, created_at, updated_at)
                VALUES (?, 'MANUAL', 7, ?, ?, ?, 'v1', ?, ?, 'v1-nydus', ?, ?, ?, 'worker-1', ?, ?)
                """)) {
      sql.setObject(1, id);
      sql.setString(2, status.name());
      sql.setString(3, REGISTRY);
      sql.setString(4, repository);
      sql.setString(5, digest(id.toString()));
      sql.setString(6, repository);
      sql.setString(
          7, new String(JsonCodec.encode(ConversionOptions.defaults()), StandardCharsets.UTF_8));
      sql.setInt(8, attempts);
      sql.setInt(9, requeues);
      sql.setTimestamp(10, Timestamp.from(createdAt));
      sql.setTimestamp(11, Timestamp.from(updatedAt));
      sql.executeUpdate();
    }
    return id;
  }

  /** Writes a processed push event of tag v1 directly, recorded {@code age} ago. */
  protected static String insertPushEvent(
      String eventId, String repository, String outcome, Duration age) throws SQLException {
    try (Connection c = db();
        var sql =
            c.prepareStatement(
                "INSERT INTO push_events (event_id, sequence, registry, repository, tag, digest,"
                    + " outcome, recorded_at) VALUES (?, nextval('push_sequence'), ?, ?, 'v1', ?,"
                    + " ?, ?)")) {
      sql.setString(1, eventId);
      sql.setString(2, REGISTRY);
      sql.setString(3, repository);
      sql.setString(4, digest(eventId));
      sql.setString(5, outcome);
      sql.setTimestamp(6, Timestamp.from(Instant.now().minus(age)));
      sql.executeUpdate();
    }
    return eventId;
  }

  /**
   * Another instance's open transaction holding the row lock of one row of {@code table}, until it
   * is closed (rolled back, so the lock is gone when close returns).
   */
  protected static HeldRow holdingRow(String table, String keyColumn, Object key)
      throws SQLException {
    Connection other = db();
    other.setAutoCommit(false);
    try (var lock =
        other.prepareStatement(
            "SELECT 1 FROM " + table + " WHERE " + keyColumn + " = ? FOR UPDATE")) {
      lock.setObject(1, key);
      lock.executeQuery();
    }
    return new HeldRow(other);
  }

  /** See {@link #holdingRow}. */
  protected record HeldRow(Connection connection) implements AutoCloseable {
    @Override
    public void close() throws SQLException {
      try (connection) {
        connection.rollback();
      }
    }
  }

  protected static long queryLong(String sql, Object... params) throws SQLException {
    try (Connection c = db();
        var statement = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        statement.setObject(i + 1, params[i]);
      }
      var rs = statement.executeQuery();
      rs.next();
      return rs.getLong(1);
    }
  }

  protected static String queryString(String sql, Object... params) throws SQLException {
    try (Connection c = db();
        var statement = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        statement.setObject(i + 1, params[i]);
      }
      var rs = statement.executeQuery();
      return rs.next() ? rs.getString(1) : null;
    }
  }

  // ---- HTTP ----

  protected record Reply(int status, JsonNode body, HttpResponse<String> raw) {}

  protected Reply call(String method, String path, String token, Object body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(
                        body instanceof String s ? s : JSON.writeValueAsString(body)))
            .header("Content-Type", "application/json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json =
        response.body() == null || response.body().isBlank()
            ? null
            : response.headers().firstValue("Content-Type").orElse("").contains("json")
                ? JSON.readTree(response.body())
                : null;
    return new Reply(response.statusCode(), json, response);
  }

  protected Reply get(String path) throws Exception {
    return call("GET", path, READ_TOKEN, null);
  }

  protected Reply post(String path, Object body) throws Exception {
    return call("POST", path, ADMIN_TOKEN, body);
  }

  /** Creates a rule, asserting 201, and returns its id. */
  /** A rule for one repository of {@code registry} and the tags {@code tagPattern} matches. */
  protected String ruleFor(LocalRegistry registry, String repository, String tagPattern)
      throws Exception {
    return createRule(
        Map.of(
            "name",
            repository,
            "registry",
            registry.host(),
            "repositoryPattern",
            repository,
            "tagPattern",
            tagPattern));
  }

  protected String createRule(Map<String, Object> rule) throws Exception {
    Reply reply = post("/api/v1/rules", rule);
    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(201);
    return reply.body().get("id").asString();
  }

  // ---- Kafka ----

  protected static synchronized KafkaProducer<String, byte[]> producer() {
    if (producer == null) {
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA);
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      producer = new KafkaProducer<>(p);
    }
    return producer;
  }

  protected static void send(String topic, String key, Object message) throws Exception {
    producer()
        .send(new ProducerRecord<>(topic, key, JsonCodec.encode(message)))
        .get(10, TimeUnit.SECONDS);
  }

  protected static PushEvent push(String repository, String tag, String digest) {
    return new PushEvent(
        "evt-" + UUID.randomUUID(),
        "distribution",
        REGISTRY,
        repository,
        tag,
        digest,
        "application/vnd.oci.image.manifest.v1+json",
        1234,
        Instant.now(),
        "",
        Instant.now());
  }

  protected static void publish(PushEvent event) throws Exception {
    send(PUSH_EVENTS_TOPIC, event.key(), event);
  }

  protected static String digest(String seed) {
    try {
      byte[] hash =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest((RUN + seed).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return "sha256:" + java.util.HexFormat.of().formatHex(hash);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Conversion requests seen so far whose key satisfies {@code keyTest}, polling for up to {@code
   * wait}.
   */
  protected static List<ConsumerRecord<String, byte[]>> requests(
      Predicate<String> keyTest, int atLeast, Duration wait) {
    return records(REQUESTS_TOPIC, keyTest, atLeast, wait);
  }

  /** Cancellations seen so far whose key satisfies {@code keyTest}, as {@link #requests}. */
  protected static List<ConsumerRecord<String, byte[]>> cancellations(
      Predicate<String> keyTest, int atLeast, Duration wait) {
    return records(CANCELLATIONS_TOPIC, keyTest, atLeast, wait);
  }

  private static synchronized List<ConsumerRecord<String, byte[]>> records(
      String topic, Predicate<String> keyTest, int atLeast, Duration wait) {
    if (requestConsumer == null) {
      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA);
      p.put(ConsumerConfig.GROUP_ID_CONFIG, "rule-service-it-requests-" + RUN);
      p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
      p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
      requestConsumer = new KafkaConsumer<>(p);
      requestConsumer.subscribe(List.of(REQUESTS_TOPIC, CANCELLATIONS_TOPIC));
    }
    long deadline = System.nanoTime() + wait.toNanos();
    List<ConsumerRecord<String, byte[]>> found;
    do {
      requestConsumer.poll(Duration.ofMillis(200)).forEach(requests::add);
      found =
          requests.stream()
              .filter(r -> r.topic().equals(topic) && r.key() != null && keyTest.test(r.key()))
              .toList();
    } while (found.size() < atLeast && System.nanoTime() < deadline);
    return found;
  }

  /**
   * Polls {@code value} until {@code done} holds or {@code wait} passes; returns the last value.
   */
  protected static <T> T await(Supplier<T> value, Predicate<T> done, Duration wait)
      throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    T last = value.get();
    while (!done.test(last) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      last = value.get();
    }
    return last;
  }

  @AfterAll
  static void closeClients() {
    // the context (and so these clients' counterpart) is shared; close the test clients once per
    // class
    synchronized (IntegrationTestSupport.class) {
      if (producer != null) {
        producer.close(Duration.ofSeconds(2));
        producer = null;
      }
      if (requestConsumer != null) {
        requestConsumer.close(Duration.ofSeconds(2));
        requestConsumer = null;
        requests.clear();
      }
    }
  }
}
