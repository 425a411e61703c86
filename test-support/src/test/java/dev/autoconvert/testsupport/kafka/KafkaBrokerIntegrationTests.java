package dev.autoconvert.testsupport.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Lifecycle only; the listener's outage tests produce and consume through such a broker. */
class KafkaBrokerIntegrationTests {

  @Test
  void stopsAndStartsAgainOnTheSamePortOverTheSameData() throws IOException {
    try (KafkaBroker broker = KafkaBroker.start("lifecycle")) {
      int port = Integer.parseInt(broker.bootstrapServers().split(":")[1]);
      Path meta = broker.dataDir().resolve("meta.properties");
      String clusterBefore = Files.readString(meta);
      assertThat(accepts(port)).isTrue();

      broker.stop();
      assertThat(broker.running()).isFalse();
      assertThat(accepts(port)).isFalse();

      broker.start();
      assertThat(broker.running()).isTrue();
      assertThat(accepts(port)).isTrue();
      assertThat(Files.readString(meta)).isEqualTo(clusterBefore);
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
