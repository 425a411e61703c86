package dev.autoconvert.listener.it;

import dev.autoconvert.listener.intake.Samples;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/** Posts webhooks to the listener as a registry would. */
final class Webhooks {
  static final String DISTRIBUTION_V1 = "application/vnd.docker.distribution.events.v1+json";

  private final HttpClient http = HttpClient.newHttpClient();
  private final String baseUrl;

  Webhooks(int port) {
    this.baseUrl = "http://127.0.0.1:" + port;
  }

  HttpResponse<String> post(String path, String contentType, String token, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request.build());
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET().build());
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A sample body with its repository names moved under a namespace unique to this run. */
  static String sample(String path, String namespace) {
    return new String(Samples.bytes(path), StandardCharsets.UTF_8)
        .replace("\"team/", "\"" + namespace + "/")
        .replace("\"platform/", "\"" + namespace + "/")
        .replace("\"library/", "\"" + namespace + "/");
  }

  /** A lowercase namespace no other test run uses. */
  static String uniqueNamespace(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A Distribution envelope with one tagged manifest push and a fresh event id. */
  static String distributionPush(String eventId, String repository, String tag) {
    return """
        {"events":[{"id":"%s","timestamp":"2026-11-27T05:10:16.764001917Z","action":"push",
          "target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":345,
            "digest":"sha256:2f6f98ac3ee34e18125c42a9b611b2f0a802b3bcda6a9da91919154b1c6dde08",
            "length":345,"repository":"%s","tag":"%s"},
          "request":{"id":"r","addr":"127.0.0.1:1","host":"127.0.0.1:5000","method":"PUT",
            "useragent":"skopeo/1.9.3"},
          "actor":{},"source":{"addr":"vm:5000","instanceID":"i"}}]}
        """
        .formatted(eventId, repository, tag);
  }
}
