package dev.autoconvert.testsupport.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FreePortsTests {

  @Test
  void portsAreDistinctFreeAndBelowTheEphemeralRange() throws Exception {
    int[] ports = FreePorts.distinct(3);

    assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(3);
    int ephemeralStart =
        Integer.parseInt(Files.readAllLines(FreePorts.EPHEMERAL_RANGE).get(0).split("\\s+")[0]);
    for (int port : ports) {
      assertThat(port).isBetween(10_000, ephemeralStart - 1);
      try (ServerSocket server = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertThat(server.getLocalPort()).isEqualTo(port);
      }
    }
  }
}
