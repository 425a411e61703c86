package dev.autoconvert.oci.registry;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Which registry requests go through an HTTP proxy, read from {@code HTTPS_PROXY}, {@code
 * HTTP_PROXY} and {@code NO_PROXY} (or their lower-case forms) the way Go programs read them (the
 * Docker engine, containerd, Distribution: Go's {@code httpproxy} package), so one environment
 * serves them all: HTTPS requests use the HTTPS proxy and plain-HTTP ones the HTTP proxy; {@code
 * localhost} and loopback addresses are never proxied; {@code NO_PROXY} lists hosts reached
 * directly: {@code *} (all), a domain (with its subdomains; {@code .domain} or {@code *.domain}:
 * subdomains only), an IP address or a CIDR block, each optionally with {@code :port}.
 *
 * <p>Proxies are reached over plain HTTP (HTTPS requests tunnel through {@code CONNECT}); proxies
 * that want credentials are not supported.
 *
 * @param https proxy for HTTPS registries, or null
 * @param http proxy for plain-HTTP registries, or null
 * @param noProxy the {@code NO_PROXY} entries, lower case
 */
public record ProxySettings(InetSocketAddress https, InetSocketAddress http, List<String> noProxy) {
  /** Every request goes directly. */
  public static final ProxySettings NONE = new ProxySettings(null, null, List.of());

  private static final Pattern HOST_PORT = Pattern.compile("(.*):(\\d{1,5})");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  public ProxySettings {
    noProxy = List.copyOf(noProxy);
  }

  /**
   * Reads the variables through {@code env} ({@code System::getenv}, say); upper case wins.
   *
   * @throws IOException naming the variable when a proxy is not a plain-HTTP URL without
   *     credentials
   */
  public static ProxySettings fromEnvironment(Function<String, String> env) throws IOException {
    List<String> noProxy = new ArrayList<>();
    String list = variable(env, "NO_PROXY");
    if (list != null) {
      for (String entry : list.split(",")) {
        if (!entry.isBlank()) {
          noProxy.add(entry.strip().toLowerCase(Locale.ROOT));
        }
      }
    }
    return new ProxySettings(
        proxy(env, "HTTPS_PROXY"), proxy(env, "HTTP_PROXY"), List.copyOf(noProxy));
  }

  private static String variable(Function<String, String> env, String name) {
    String upper = env.apply(name);
    if (upper != null && !upper.isBlank()) {
      return upper.strip();
    }
    String lower = env.apply(name.toLowerCase(Locale.ROOT));
    return lower == null || lower.isBlank() ? null : lower.strip();
  }

  private static InetSocketAddress proxy(Function<String, String> env, String name)
      throws IOException {
    String value = variable(env, name);
    if (value == null) {
      return null;
    }
    // Go takes a value without a scheme as an http:// URL
    URI uri;
    try {
      uri = URI.create(value.contains("://") ? value : "http://" + value);
    } catch (IllegalArgumentException e) {
      throw new IOException(name + " is not a proxy URL: " + e.getMessage(), e);
    }
    if (!"http".equalsIgnoreCase(uri.getScheme())) {
      throw new IOException(
          name + ": only http:// proxies are supported, not " + uri.getScheme() + "://");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IOException(name + ": proxies that want credentials are not supported");
    }
    if (uri.getHost() == null) {
      throw new IOException(name + " names no proxy host");
    }
    return InetSocketAddress.createUnresolved(
        uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort());
  }

  /** Whether requests to {@code host[:port]} over {@code scheme} go through a proxy, and which. */
  Proxy proxyFor(String scheme, String host, int port) {
    InetSocketAddress proxy = "https".equalsIgnoreCase(scheme) ? https : http;
    if (proxy == null || !useProxy(host.toLowerCase(Locale.ROOT), port)) {
      return Proxy.NO_PROXY;
    }
    return new Proxy(Proxy.Type.HTTP, proxy);
  }

  /** The selector the HTTP client asks for each connection. */
  ProxySelector selector() {
    return new ProxySelector() {
      @Override
      public List<Proxy> select(URI uri) {
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        return List.of(proxyFor(uri.getScheme(), uri.getHost(), port));
      }

      @Override
      public void connectFailed(URI uri, SocketAddress address, IOException failure) {
        // a failed proxy fails the request, which the client retries like any other
      }
    };
  }

  private boolean useProxy(String host, int port) {
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (bare.equals("localhost")) {
      return false;
    }
    InetAddress ip = literalIp(bare);
    if (ip != null && ip.isLoopbackAddress()) {
      return false;
    }
    for (String entry : noProxy) {
      if (entry.equals("*")) {
        return false;
      }
      if (entry.contains("/")) {
        if (ip != null && inCidr(ip, entry)) {
          return false;
        }
        continue;
      }
      String name = entry;
      int entryPort = -1;
      var hostPort = HOST_PORT.matcher(entry);
      if (hostPort.matches() && !entry.endsWith("]") && literalIp(entry) == null) {
        name = hostPort.group(1);
        entryPort = Integer.parseInt(hostPort.group(2));
      }
      if (entryPort >= 0 && entryPort != port) {
        continue;
      }
      name =
          name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
      InetAddress entryIp = literalIp(name);
      if (entryIp != null) {
        if (entryIp.equals(ip)) {
          return false;
        }
      } else if (matchesDomain(bare, name)) {
        return false;
      }
    }
    return true;
  }

  private static boolean matchesDomain(String host, String entry) {
    if (entry.startsWith("*.")) {
      entry = entry.substring(1);
    }
    if (entry.startsWith(".")) {
      return host.endsWith(entry); // subdomains only
    }
    return host.equals(entry) || host.endsWith("." + entry);
  }

  /** The address a literal IPv4 or IPv6 string names, or null for a host name (never resolved). */
  private static InetAddress literalIp(String text) {
    try {
      if (IPV4.matcher(text).matches()) {
        // built from the bytes: an out-of-range part must not become a DNS lookup
        byte[] bytes = new byte[4];
        String[] parts = text.split("\\.");
        for (int i = 0; i < 4; i++) {
          int part = Integer.parseInt(parts[i]);
          if (part > 255) {
            return null;
          }
          bytes[i] = (byte) part;
        }
        return InetAddress.getByAddress(bytes);
      }
      // a string with a colon is parsed as an IPv6 literal, never looked up
      return text.contains(":") && text.matches("[0-9a-fA-F:.]+")
          ? InetAddress.getByName(text)
          : null;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static boolean inCidr(InetAddress ip, String cidr) {
    int slash = cidr.indexOf('/');
    InetAddress network = literalIp(cidr.substring(0, slash));
    int bits;
    try {
      bits = Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      return false;
    }
    if (network == null || network.getAddress().length != ip.getAddress().length) {
      return false;
    }
    int width = ip.getAddress().length * 8;
    if (bits < 0 || bits > width) {
      return false;
    }
    BigInteger mask =
        BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE).shiftRight(bits).not();
    return new BigInteger(1, ip.getAddress())
        .and(mask)
        .equals(new BigInteger(1, network.getAddress()).and(mask));
  }

  @Override
  public String toString() {
    return "ProxySettings[https=" + https + ", http=" + http + ", noProxy=" + noProxy + "]";
  }
}
