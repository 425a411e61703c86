package dev.autoconvert.rules;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * An HTTP endpoint for rule-service's notifications, on 127.0.0.1: it records every delivery and
 * refuses the first one of each event with 503, so every notification is seen retried. At {@code
 * /slow} it answers only after {@link #SLOW}, longer than rule-service waits.
 */
public final class NotificationReceiver {
  /** One delivery as it arrived, and what it was answered. */
  public record Delivery(
      String path, String event, String signature, byte[] body, int answered, Instant at) {}

  public static final Duration SLOW = Duration.ofSeconds(5);

  private final HttpServer server;
  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private final Set<String> refusedOnce = ConcurrentHashMap.newKeySet();

  private NotificationReceiver(HttpServer server) {
    this.server = server;
    server.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          String event = exchange.getRequestHeaders().getFirst("X-Autoconvert-Event");
          String path = exchange.getRequestURI().getPath();
          int status = refusedOnce.add(path + " " + event) ? 503 : 204;
          Instant at = Instant.now();
          deliveries.add(
              new Delivery(
                  path,
                  event,
                  exchange.getRequestHeaders().getFirst("X-Autoconvert-Signature"),
                  body,
                  status,
                  at));
          if (path.equals("/slow")) {
            try {
              Thread.sleep(SLOW.toMillis());
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    server.setExecutor(Executors.newCachedThreadPool()); // a slow answer holds up no other
    server.start();
  }

  static NotificationReceiver start() {
    try {
      return new NotificationReceiver(
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** Deliveries of one event id, in arrival order. */
  public List<Delivery> of(String event) {
    return deliveries.stream().filter(d -> event.equals(d.event())).toList();
  }
}
