package dev.autoconvert.rules.notify;

import dev.autoconvert.rules.RulesProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers due notifications: {@code POST} of the JSON to the endpoint, signed with its secret
 * ({@code X-Autoconvert-Signature: sha256=<hex HMAC-SHA256 of the body>}), the event id in {@code
 * X-Autoconvert-Event}. A 2xx answer delivers it; anything else is tried again after a pause that
 * doubles per attempt, until the notification is {@code maxAge} old. Each endpoint has a delivery
 * loop of its own, so an endpoint that times out delays no other. Rows are leased for the time
 * their deliveries may take, so instances share the work and a crash only delays a delivery:
 * receivers may see an event twice and deduplicate by its id.
 */
@Component
class NotificationSender implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(NotificationSender.class);
  private static final int BATCH = 50;
  private static final Duration RETENTION = Duration.ofDays(7);

  /** What {@link #due} reads, in its order. */
  private static final String DUE_COLUMNS = "id, event_id, endpoint, payload, attempts, created_at";

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final MeterRegistry meters;
  private final RulesProperties.Notifications config;
  private final Map<String, RulesProperties.Endpoint> endpoints;
  private final HttpClient http;

  /** Per endpoint that could not be reached, when its failed notification is tried again. */
  private final Map<String, Instant> unreachableUntil = new ConcurrentHashMap<>();

  private ScheduledExecutorService loops;

  NotificationSender(
      JdbcClient jdbc, TransactionTemplate tx, MeterRegistry meters, RulesProperties properties) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.meters = meters;
    this.config = properties.notifications();
    this.endpoints =
        config.endpoints().stream()
            .collect(Collectors.toMap(RulesProperties.Endpoint::name, Function.identity()));
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(config.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  private record Due(
      long id, String eventId, String endpoint, byte[] payload, int attempts, Instant createdAt) {}

  @Override
  public synchronized void start() {
    AtomicInteger n = new AtomicInteger();
    loops =
        Executors.newScheduledThreadPool(
            Math.max(1, endpoints.size()),
            r -> {
              Thread t = new Thread(r, "notify-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    long every = config.pollInterval().toMillis();
    for (String endpoint : endpoints.keySet()) {
      loops.scheduleWithFixedDelay(() -> deliverDue(endpoint), every, every, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public synchronized void stop() {
    if (loops != null) {
      loops.shutdownNow();
      loops = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return loops != null;
  }

  /**
   * One endpoint's loop: its due notifications, a batch at a time. Once the endpoint cannot be
   * reached (no connection, or no answer in time), nothing more is tried until the failed
   * notification's retry, and the rest of the batch waits as long: an endpoint that is down costs
   * one timeout per retry, not one per notification.
   */
  void deliverDue(String endpoint) {
    Instant pausedUntil = unreachableUntil.get(endpoint);
    if (pausedUntil != null && Instant.now().isBefore(pausedUntil)) {
      return;
    }
    try {
      List<Due> due;
      Instant unreachable = null;
      do {
        due = claim(endpoint);
        for (Due notification : due) {
          if (unreachable != null) {
            postpone(notification, unreachable);
          } else {
            unreachable = deliver(notification);
          }
        }
      } while (due.size() == BATCH
          && unreachable == null
          && !Thread.currentThread().isInterrupted());
      if (unreachable != null) {
        // a poll after the retry time: by then the failed one is due by the database's clock too,
        // so the oldest is tried again rather than one of those it held back
        unreachableUntil.put(endpoint, unreachable.plus(config.pollInterval()));
      }
    } catch (RuntimeException e) {
      log.warn(
          "notification delivery to {} failed, its notifications stay due: {}",
          endpoint,
          e.toString());
    }
  }

  /**
   * Gives up notifications for endpoints this instance does not know once they are {@code maxAge}
   * old: by then no instance has delivered them. Younger ones are left alone, since during a
   * rolling update that adds an endpoint, instances that already have it deliver to it while older
   * ones still run.
   */
  @Scheduled(fixedDelay = 1, timeUnit = TimeUnit.HOURS)
  void abandonOrphans() {
    List<Due> orphans;
    do {
      orphans =
          jdbc.sql(
                  "SELECT "
                      + DUE_COLUMNS
                      + " FROM notifications"
                      + " WHERE delivered_at IS NULL AND abandoned_at IS NULL"
                      + " AND created_at < :cutoff"
                      + (endpoints.isEmpty() ? "" : " AND endpoint NOT IN (:names)")
                      + " ORDER BY id LIMIT "
                      + BATCH)
              .param("cutoff", Timestamp.from(Instant.now().minus(config.maxAge())))
              .params(Map.of("names", List.copyOf(endpoints.keySet())))
              .query(NotificationSender::due)
              .list();
      orphans.forEach(this::deliver);
    } while (orphans.size() == BATCH);
  }

  /** Long enough for every delivery of a batch to time out, one after the other. */
  private Duration lease(int rows) {
    return config.timeout().multipliedBy(rows + 1L);
  }

  /** Leases an endpoint's due rows: pushed ahead by the longest their deliveries may take. */
  private List<Due> claim(String endpoint) {
    return tx.execute(
        status -> {
          List<Due> rows =
              jdbc.sql(
                      "SELECT "
                          + DUE_COLUMNS
                          + " FROM notifications WHERE endpoint = :endpoint"
                          + " AND delivered_at IS NULL AND abandoned_at IS NULL"
                          + " AND next_attempt_at <= now()"
                          + " ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED")
                  .param("endpoint", endpoint)
                  .param("limit", BATCH)
                  .query(NotificationSender::due)
                  .list();
          if (!rows.isEmpty()) {
            jdbc.sql("UPDATE notifications SET next_attempt_at = :until WHERE id IN (:ids)")
                .param("until", Timestamp.from(Instant.now().plus(lease(rows.size()))))
                .param("ids", rows.stream().map(Due::id).toList())
                .update();
          }
          return rows;
        });
  }

  private static Due due(ResultSet rs, int row) throws SQLException {
    return new Due(
        rs.getLong(1),
        rs.getString(2),
        rs.getString(3),
        rs.getBytes(4),
        rs.getInt(5),
        rs.getTimestamp(6).toInstant());
  }

  /**
   * Tries one notification and records the outcome; returns when the endpoint may be tried again if
   * it could not be reached, else null.
   */
  private Instant deliver(Due due) {
    RulesProperties.Endpoint endpoint = endpoints.get(due.endpoint());
    Failure failure =
        endpoint == null
            ? new Failure("endpoint " + due.endpoint() + " is not configured", false)
            : post(endpoint, due);
    if (failure == null) {
      jdbc.sql(
              "UPDATE notifications SET delivered_at = now(), attempts = attempts + 1,"
                  + " last_error = NULL WHERE id = ?")
          .param(due.id())
          .update();
      count(due.endpoint(), "delivered");
      return null;
    }
    int attempts = due.attempts() + 1;
    boolean tooOld =
        endpoint == null || due.createdAt().plus(config.maxAge()).isBefore(Instant.now());
    if (tooOld) {
      log.warn(
          "giving up notification {} to {} after {} attempts: {}",
          due.eventId(),
          due.endpoint(),
          attempts,
          failure.reason());
      jdbc.sql(
              "UPDATE notifications SET abandoned_at = now(), attempts = ?, last_error = ?"
                  + " WHERE id = ?")
          .params(attempts, failure.reason(), due.id())
          .update();
      count(due.endpoint(), "abandoned");
      return null;
    }
    Instant next = Instant.now().plus(backoff(config, attempts));
    jdbc.sql(
            "UPDATE notifications SET next_attempt_at = ?, attempts = ?, last_error = ? WHERE id = ?")
        .params(Timestamp.from(next), attempts, failure.reason(), due.id())
        .update();
    count(due.endpoint(), "failed");
    return failure.unreachable() ? next : null;
  }

  /** Gives a claimed notification back untried, due at {@code when}. */
  private void postpone(Due due, Instant when) {
    jdbc.sql("UPDATE notifications SET next_attempt_at = ? WHERE id = ?")
        .params(Timestamp.from(when), due.id())
        .update();
  }

  /** Why a delivery failed (never the URL: it may hold a secret), and whether no answer came. */
  private record Failure(String reason, boolean unreachable) {}

  /** Null when delivered, else why not. */
  private Failure post(RulesProperties.Endpoint endpoint, Due due) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(endpoint.url()))
            .timeout(config.timeout())
            .header("Content-Type", "application/json")
            .header("User-Agent", "nydus-autoconvert")
            .header("X-Autoconvert-Event", due.eventId())
            .POST(HttpRequest.BodyPublishers.ofByteArray(due.payload()));
    if (endpoint.secret() != null && !endpoint.secret().isEmpty()) {
      request.header("X-Autoconvert-Signature", "sha256=" + hmac(endpoint.secret(), due.payload()));
    }
    try {
      int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      return status / 100 == 2
          ? null
          : new Failure("HTTP " + status + " from " + endpoint.origin(), false);
    } catch (IOException e) {
      return new Failure(
          "cannot reach " + endpoint.origin() + ": " + e.getClass().getSimpleName(), true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Failure("interrupted", false);
    }
  }

  /** The pause after {@code attempts} failed attempts. */
  static Duration backoff(RulesProperties.Notifications config, int attempts) {
    Duration pause = config.initialBackoff();
    for (int i = 1; i < attempts && pause.compareTo(config.maxBackoff()) < 0; i++) {
      pause = pause.multipliedBy(2);
    }
    return pause.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : pause;
  }

  static String hmac(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java platform", e);
    }
  }

  private void count(String endpoint, String outcome) {
    meters
        .counter("autoconvert.notifications", "endpoint", endpoint, "outcome", outcome)
        .increment();
  }

  /** Deletes delivered and abandoned notifications after a week; due ones are never deleted. */
  @Scheduled(fixedDelay = 1, timeUnit = TimeUnit.HOURS, initialDelay = 1)
  int purge() {
    return jdbc.sql(
            "DELETE FROM notifications WHERE (delivered_at IS NOT NULL OR abandoned_at IS NOT NULL)"
                + " AND created_at < ?")
        .param(Timestamp.from(Instant.now().minus(RETENTION)))
        .update();
  }
}
