package dev.autoconvert.testsupport.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * An HTTP forward proxy on 127.0.0.1, as registries are reached through in offices: {@code CONNECT
 * host:port} tunnels (HTTPS) and absolute-form requests (plain HTTP). Host names are resolved by
 * the proxy alone, from a fixed map: a name the client cannot resolve proves that its requests went
 * through here. Records the target of every connection. A proxy {@linkplain #requiringCredentials
 * requiring credentials} answers 407 to a request without them, as Squid's {@code proxy_auth} does,
 * and takes them off what it forwards.
 */
public final class ForwardProxy implements AutoCloseable {
  private static final int MAX_HEAD = 64 * 1024;
  private static final String PROXY_AUTHORIZATION = "Proxy-Authorization";

  private final ServerSocket server;
  private final Map<String, InetSocketAddress> hosts;
  private final List<String> targets = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final List<String> refused = new CopyOnWriteArrayList<>();
  private final String authorization;

  private ForwardProxy(
      ServerSocket server, Map<String, InetSocketAddress> hosts, String authorization) {
    this.server = server;
    this.hosts = Map.copyOf(hosts);
    this.authorization = authorization;
  }

  /**
   * {@code registry} under the name {@code name:port}, which only the proxy resolves: a map for
   * {@link #start} and {@link #requiringCredentials}.
   */
  public static Map<String, InetSocketAddress> naming(String name, LocalRegistry registry) {
    return Map.of(
        name + ":" + registry.port(), new InetSocketAddress("127.0.0.1", registry.port()));
  }

  /** A proxy resolving each {@code host:port} key of {@code hosts} to its address. */
  public static ForwardProxy start(Map<String, InetSocketAddress> hosts) throws IOException {
    return start(hosts, null);
  }

  /** As {@link #start}, serving only requests with Basic credentials of this user and password. */
  public static ForwardProxy requiringCredentials(
      Map<String, InetSocketAddress> hosts, String user, String password) throws IOException {
    byte[] pair = (user + ":" + password).getBytes(StandardCharsets.UTF_8);
    return start(hosts, "Basic " + Base64.getEncoder().encodeToString(pair));
  }

  private static ForwardProxy start(Map<String, InetSocketAddress> hosts, String authorization)
      throws IOException {
    ForwardProxy proxy =
        new ForwardProxy(
            new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), hosts, authorization);
    Thread acceptor = new Thread(proxy::accept, "forward-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
    return proxy;
  }

  /** {@code http://127.0.0.1:<port>}, what {@code HTTP_PROXY} and {@code HTTPS_PROXY} name. */
  public String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** {@code CONNECT host:port} or {@code GET host:port} etc., one per connection, in order. */
  public List<String> targets() {
    return List.copyOf(targets);
  }

  /**
   * The {@code Proxy-Authorization} value of each request refused for want of the right credentials
   * ({@code "none"} if it had none), in order.
   */
  public List<String> refused() {
    return List.copyOf(refused);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        open.add(client);
        Thread t = new Thread(() -> serve(client), "forward-proxy-connection");
        t.setDaemon(true);
        t.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      List<String> lines = new String(readHead(in), StandardCharsets.ISO_8859_1).lines().toList();
      String[] parts = lines.get(0).split(" ");
      boolean tunnel = parts[0].equals("CONNECT");
      String authority = tunnel ? parts[1] : URI.create(parts[1]).getRawAuthority();
      String given = header(lines, PROXY_AUTHORIZATION);
      if (authorization != null && !authorization.equals(given)) {
        refused.add(given == null ? "none" : given);
        out.write(
            ("HTTP/1.1 407 Proxy Authentication Required\r\n"
                    + "Proxy-Authenticate: Basic realm=\"proxy\"\r\n"
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        return;
      }
      targets.add(parts[0] + " " + authority);
      InetSocketAddress address = hosts.get(authority);
      if (address == null) {
        out.write(
            "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        return;
      }
      try (Socket upstream = new Socket(address.getAddress(), address.getPort())) {
        open.add(upstream);
        if (tunnel) {
          out.write(
              "HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        } else {
          // Go's server takes absolute-form request lines as they are; the credentials were
          // the proxy's own
          String forwarded =
              lines.stream()
                      .filter(line -> !line.isEmpty() && !isHeader(line, PROXY_AUTHORIZATION))
                      .collect(Collectors.joining("\r\n"))
                  + "\r\n\r\n";
          upstream.getOutputStream().write(forwarded.getBytes(StandardCharsets.ISO_8859_1));
        }
        Thread back = new Thread(() -> pipe(upstream, client), "forward-proxy-back");
        back.setDaemon(true);
        back.start();
        pipe(client, upstream);
        back.join();
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      // a connection the client or the registry closed
    }
  }

  private static String header(List<String> lines, String name) {
    return lines.stream()
        .filter(line -> isHeader(line, name))
        .map(line -> line.substring(name.length() + 1).strip())
        .findFirst()
        .orElse(null);
  }

  private static boolean isHeader(String line, String name) {
    return line.regionMatches(true, 0, name + ":", 0, name.length() + 1);
  }

  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < end.length) {
      int b = in.read();
      if (b < 0 || head.size() >= MAX_HEAD) {
        throw new IOException("no request head");
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toByteArray();
  }

  private static void pipe(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
      to.shutdownOutput();
    } catch (IOException closed) {
      // either side went away
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
  }
}
