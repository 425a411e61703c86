package dev.autoconvert.rules.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.oci.registry.ProxySettings;
import dev.autoconvert.oci.registry.RegistryTls;
import dev.autoconvert.rules.RulesProperties;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class RegistriesTests {

  /** Registries as rule-service makes them, without a proxy. */
  static Registries registries(RulesProperties properties) throws IOException {
    RulesProperties.Reconcile config = properties.reconcile();
    return new Registries(
        properties,
        ProxySettings.NONE,
        RegistryTls.watch(config.caCertificates(), config.certsDirectory()));
  }

  static RulesProperties reading(String host, Duration contentReadTimeout, Path dockerConfig) {
    return reading(host, true, contentReadTimeout, dockerConfig, null, null);
  }

  static RulesProperties reading(
      String host,
      boolean plainHttp,
      Duration contentReadTimeout,
      Path dockerConfig,
      Path caCertificates,
      Path certsDirectory) {
    return new RulesProperties(
        "admin",
        "read",
        null,
        null,
        null,
        null,
        Duration.ofSeconds(1),
        new RulesProperties.Reconcile(
            Duration.ofMinutes(15),
            Duration.ofSeconds(30),
            List.of(new RulesProperties.Registry(host, plainHttp, null, null)),
            contentReadTimeout,
            dockerConfig,
            caCertificates,
            certsDirectory),
        "cache",
        null,
        null,
        null,
        null,
        null);
  }

  @Test
  void aRegistryThatNeverAnswersCostsIntakeOneShortAttemptAndNoVerdict() throws Exception {
    List<Socket> accepted = new CopyOnWriteArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    accepted.add(silent.accept()); // and never answer
                  }
                } catch (IOException closed) {
                  // the test is over
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      String host = "127.0.0.1:" + silent.getLocalPort();
      Registries registries = registries(reading(host, Duration.ofMillis(300), null));

      assertThat(registries.manifest(host, "team/app", "sha256:" + "ab".repeat(32))).isEmpty();
      assertThat(accepted).as("connections: one attempt, no retries").hasSize(1);
    } finally {
      for (Socket socket : accepted) {
        socket.close();
      }
    }
  }
}
