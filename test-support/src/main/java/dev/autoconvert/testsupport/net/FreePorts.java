package dev.autoconvert.testsupport.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports on 127.0.0.1 for servers a test starts as separate processes, which bind them later.
 *
 * <p>A port the kernel hands out for {@code bind(0)} comes from the ephemeral range, the range
 * every outgoing connection (Kafka clients, JDBC, HTTP) also draws its local port from, so between
 * the test picking it and the server binding it, a connection may take it ("address already in
 * use"). These ports come from below that range instead, where only listeners live.
 */
public final class FreePorts {
  private static final int LOWEST = 10_000;
  private static final int ATTEMPTS = 200;
  static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

  private FreePorts() {}

  /** One port nothing listens on now. */
  public static int one() throws IOException {
    return distinct(1)[0];
  }

  /** {@code count} different ports nothing listens on now. */
  public static int[] distinct(int count) throws IOException {
    int below = ephemeralRangeStart();
    // Held open together so the same port is not handed out twice.
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int attempt = 0; sockets.size() < count && attempt < ATTEMPTS; attempt++) {
        int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
        try {
          sockets.add(new ServerSocket(port, 1, InetAddress.getLoopbackAddress()));
        } catch (IOException taken) {
          // someone listens there: try another
        }
      }
      while (sockets.size() < count) { // a crowded machine: fall back to the kernel's choice
        sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
      }
      return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }

  /** The first port of Linux's ephemeral range; its usual default where it cannot be read. */
  private static int ephemeralRangeStart() {
    try {
      // readString can stop short on procfs files, which claim to be empty
      String range = Files.readAllLines(EPHEMERAL_RANGE).get(0).trim();
      int start = Integer.parseInt(range.split("\\s+")[0]);
      return start > LOWEST + 1_000 ? start : 32_768;
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }
}
