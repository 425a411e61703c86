package dev.autoconvert.oci.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback HTTP proxy in front of a real registry that records every request and injects faults:
 * answers with an error status instead of forwarding, or forwards and cuts the answer's body after
 * some bytes (a connection that breaks mid-download).
 */
final class FaultyProxy implements AutoCloseable {
  /** A request as it arrived: method, path with query, and its Range header (or null). */
  record Seen(String method, String path, String range) {}

  private static final Set<String> NOT_FORWARDED =
      Set.of("host", "connection", "content-length", "expect", "upgrade", "transfer-encoding");

  private final String upstream;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final List<Fault> faults = new CopyOnWriteArrayList<>();

  private static final class Fault {
    final String method;
    final String pathPrefix;
    int remaining;
    final int status;
    final Map<String, String> headers;
    final long cutAfter;
    final boolean stall;
    byte[] body = new byte[0];

    Fault(
        String method,
        String pathPrefix,
        int times,
        int status,
        Map<String, String> headers,
        long cutAfter,
        boolean stall) {
      this.method = method;
      this.pathPrefix = pathPrefix;
      this.remaining = times;
      this.status = status;
      this.headers = headers;
      this.cutAfter = cutAfter;
      this.stall = stall;
    }
  }

  FaultyProxy(String upstreamHost) throws IOException {
    this.upstream = upstreamHost;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  List<Seen> requests() {
    return List.copyOf(seen);
  }

  long count(String method, String pathPrefix) {
    return seen.stream()
        .filter(s -> s.method().equals(method) && s.path().startsWith(pathPrefix))
        .count();
  }

  /** The next matching request is answered with this status, headers and body instead. */
  void answerNext(
      String method, String pathPrefix, int status, Map<String, String> headers, String body) {
    Fault fault = new Fault(method, pathPrefix, 1, status, headers, -1, false);
    fault.body = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    faults.add(fault);
  }

  /** The next {@code times} matching requests are answered with {@code status} and headers. */
  void failNext(
      String method, String pathPrefix, int times, int status, Map<String, String> headers) {
    faults.add(new Fault(method, pathPrefix, times, status, headers, -1, false));
  }

  /** The next {@code times} matching answers lose their connection after {@code bytes} bytes. */
  void cutNext(String method, String pathPrefix, int times, long bytes) {
    faults.add(new Fault(method, pathPrefix, times, 0, Map.of(), bytes, false));
  }

  /**
   * The next {@code times} matching answers send {@code bytes} bytes and then nothing more until
   * the client gives up (at most 30 s).
   */
  void stallNext(String method, String pathPrefix, int times, long bytes) {
    faults.add(new Fault(method, pathPrefix, times, 0, Map.of(), bytes, true));
  }

  private synchronized Fault take(String method, String path) {
    for (Fault fault : faults) {
      if (fault.remaining > 0 && fault.method.equals(method) && path.startsWith(fault.pathPrefix)) {
        fault.remaining--;
        return fault;
      }
    }
    return null;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      URI uri = exchange.getRequestURI();
      String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      seen.add(new Seen(method, path, exchange.getRequestHeaders().getFirst("Range")));
      Fault fault = take(method, path);
      if (fault != null && fault.cutAfter < 0) {
        exchange.getRequestBody().readAllBytes();
        fault.headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.sendResponseHeaders(fault.status, fault.body.length == 0 ? -1 : fault.body.length);
        exchange.getResponseBody().write(fault.body);
        return;
      }
      HttpResponse<InputStream> response = forward(exchange, method, path);
      response
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase()) && !name.equalsIgnoreCase("date")) {
                  values.forEach(v -> exchange.getResponseHeaders().add(name, v));
                }
              });
      long length = response.headers().firstValueAsLong("Content-Length").orElse(-2);
      int status = response.statusCode();
      try (InputStream body = response.body()) {
        if (method.equals("HEAD") || status == 204 || status == 304 || length == 0) {
          if (length >= 0 && method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
          }
          exchange.sendResponseHeaders(status, -1);
          return;
        }
        exchange.sendResponseHeaders(status, length == -2 ? 0 : length);
        OutputStream out = exchange.getResponseBody();
        if (fault != null) {
          // write part of the body, then closing the exchange short breaks the connection
          out.write(body.readNBytes((int) fault.cutAfter));
          out.flush();
          if (fault.stall) {
            Thread.sleep(30_000);
          }
          return;
        }
        body.transferTo(out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private HttpResponse<InputStream> forward(HttpExchange exchange, String method, String path)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + upstream + path));
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              if (!NOT_FORWARDED.contains(name.toLowerCase())) {
                values.forEach(v -> request.header(name, v));
              }
            });
    // The registry builds upload locations from this, so that they point back at the proxy.
    request.header("X-Forwarded-Host", host());
    String contentLength = exchange.getRequestHeaders().getFirst("Content-Length");
    long length = contentLength == null ? 0 : Long.parseLong(contentLength);
    HttpRequest.BodyPublisher body =
        length > 0
            ? HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(exchange::getRequestBody), length)
            : HttpRequest.BodyPublishers.noBody();
    request.method(method, body);
    return client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
