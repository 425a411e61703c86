package dev.autoconvert.testsupport.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.autoconvert.imagespec.MediaTypes;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRegistryIntegrationTests {
  private final HttpClient http = HttpClient.newHttpClient();

  private int status(LocalRegistry registry, String path) throws Exception {
    // distribution 2.8 hides OCI manifests from requests that do not accept them
    return http.send(
            HttpRequest.newBuilder(registry.url().resolve(path))
                .header("Accept", MediaTypes.OCI_MANIFEST)
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  void pushedImageSurvivesAStopAndStart(@TempDir Path dir) throws Exception {
    try (LocalRegistry registry = LocalRegistry.start()) {
      OciLayout layout = OciLayout.create(dir);
      OciLayout.Image image =
          layout.image("v1", "amd64", List.of(new TarBuilder().file("a", "b").build()));
      registry.pushFromLayout(dir, "v1", "kept/app:v1");

      registry.stopProcess();
      assertThat(registry.isRunning()).isFalse();
      registry.startProcess();

      assertThat(status(registry, "/v2/kept/app/manifests/" + image.manifest().digest()))
          .isEqualTo(200);
      assertThat(registry.requests()).anyMatch(r -> r.startsWith("PUT /v2/kept/app/manifests/v1"));
    }
  }

  @Test
  void basicAuthChallengesAnonymousRequests() throws Exception {
    try (LocalRegistry registry = LocalRegistry.builder().basicAuth("u", "p4ss").start()) {
      HttpResponse<Void> response =
          http.send(
              HttpRequest.newBuilder(registry.url().resolve("/v2/")).build(),
              HttpResponse.BodyHandlers.discarding());
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.headers().firstValue("WWW-Authenticate"))
          .get()
          .asString()
          .startsWith("Basic");
    }
  }

  @Test
  void tokenAuthChallengePointsAtTheTokenServer() throws Exception {
    try (LocalRegistry registry = LocalRegistry.builder().tokenAuth("u", "p4ss").start()) {
      HttpResponse<Void> response =
          http.send(
              HttpRequest.newBuilder(registry.url().resolve("/v2/")).build(),
              HttpResponse.BodyHandlers.discarding());
      assertThat(response.headers().firstValue("WWW-Authenticate"))
          .get()
          .asString()
          .contains("realm=\"" + registry.tokenServer().realm() + "\"");
    }
  }

  @Test
  void pushesAreNotifiedWithTheConfiguredHeaders(@TempDir Path dir) throws Exception {
    LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/events",
        exchange -> {
          received.add(
              exchange.getRequestHeaders().getFirst("Authorization")
                  + " "
                  + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    receiver.start();
    String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/events";
    try (LocalRegistry registry =
        LocalRegistry.builder()
            .notifications(url, Map.of("Authorization", "Bearer hook-token"))
            .notificationTiming(Duration.ofSeconds(1), Duration.ofMillis(500))
            .start()) {
      OciLayout layout = OciLayout.create(dir);
      layout.image("v1", "amd64", List.of(new TarBuilder().file("x", "y").build()));
      registry.pushFromLayout(dir, "v1", "hooked/app:v1");

      String event = received.poll(20, TimeUnit.SECONDS);
      assertThat(event).startsWith("Bearer hook-token ");
      assertThat(event.replaceAll("\\s+", ""))
          .contains("\"action\":\"push\"", "\"repository\":\"hooked/app\"", "\"tag\":\"v1\"");
    } finally {
      receiver.stop(0);
    }
  }

  @Test
  void sampleImagesArePushedBySkopeoAndUnpackedByUmoci(@TempDir Path dir) throws Exception {
    Executables.assumeOnPath("umoci");
    try (LocalRegistry registry = LocalRegistry.start()) {
      OciLayout layout = OciLayout.create(dir.resolve("layout"));
      TestImages.multiLayer(layout, "layers", "seed-1");
      TestImages.twoPlatformIndex(layout, "multi", "seed-1");
      registry.pushFromLayout(layout.path(), "layers", "samples/layers:v1");
      registry.pushFromLayout(layout.path(), "multi", "samples/multi:v1");

      Executables.run(
          List.of(
              "umoci",
              "unpack",
              "--rootless",
              "--image",
              layout.path() + ":layers",
              dir.resolve("bundle").toString()));
      Path rootfs = dir.resolve("bundle/rootfs");
      assertThat(Files.readString(rootfs.resolve("etc/motd"))).isEqualTo("layer 2 motd seed-1\n");
      assertThat(Files.readString(rootfs.resolve("etc/remove-me")))
          .isEqualTo("resurrected seed-1\n");
      assertThat(rootfs.resolve("opt/app/old")).doesNotExist();
      assertThat(rootfs.resolve("opt/app/new")).exists();
      assertThat(Files.readSymbolicLink(rootfs.resolve("etc/motd-link"))).hasToString("motd");
      String inspected =
          registry.skopeo(
              "inspect",
              "--raw",
              "--tls-verify=false",
              "docker://" + registry.host() + "/samples/multi:v1");
      assertThat(inspected).contains("\"amd64\"", "\"arm64\"");
    }
  }

  @Test
  void urlAndHostNameTheLoopbackPort() throws Exception {
    try (LocalRegistry registry = LocalRegistry.start()) {
      assertThat(registry.host()).isEqualTo("127.0.0.1:" + registry.port());
      assertThat(registry.url()).isEqualTo(URI.create("http://" + registry.host()));
      assertThat(status(registry, "/v2/")).isEqualTo(200);
    }
  }
}
