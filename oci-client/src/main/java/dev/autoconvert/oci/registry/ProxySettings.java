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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
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
 * <p>Proxies are reached over plain HTTP (HTTPS requests tunnel through {@code CONNECT}). A proxy
 * URL's user information ({@code http://user:password@proxy:3128}, percent-encoded) is sent to that
 * proxy as Basic credentials with every request, as Go sends it, and never to a registry.
 *
 * @param https proxy for HTTPS registries, or null
 * @param http proxy for plain-HTTP registries, or null
 * @param noProxy the {@code NO_PROXY} entries, lower case
 */
public record ProxySettings(Server https, Server http, List<String> noProxy) {
  /** Every request goes directly. */
  public static final ProxySettings NONE = new ProxySettings(null, null, List.of());

  /** The header a proxy reads credentials from (RFC 9110 §11.7.2). */
  static final String AUTHORIZATION_HEADER = "Proxy-Authorization";

  /**
   * The JDK leaves Basic credentials out of {@code CONNECT} requests while this property lists
   * Basic, as its default {@code net.properties} does, and reads it once, when its HTTP client is
   * first used.
   */
  static final String TUNNELING_DISABLED_SCHEMES = "jdk.http.auth.tunneling.disabledSchemes";

  /**
   * A proxy and the credentials it wants, or null when it wants none.
   *
   * @param address host and port, unresolved: the HTTP client resolves it per connection
   */
  public record Server(InetSocketAddress address, Credentials credentials) {
    public Server {
      Objects.requireNonNull(address);
    }

    @Override
    public String toString() {
      // the address only: credentials stay out of logs
      return address.getHostString()
          + ":"
          + address.getPort()
          + (credentials == null ? "" : " (as " + credentials.username() + ")");
    }
  }

  private static final Pattern HOST_PORT = Pattern.compile("(.*):(\\d{1,5})");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  public ProxySettings {
    noProxy = List.copyOf(noProxy);
  }

  /**
   * Lets credentials of {@code HTTPS_PROXY} reach the proxy (see {@link
   * #TUNNELING_DISABLED_SCHEMES}) unless the JVM was started with that property set. Applications
   * call it first thing in {@code main}, before any HTTP client exists; it changes nothing for
   * requests without proxy credentials, since only this client sets them.
   */
  public static void allowBasicProxyAuthentication() {
    if (System.getProperty(TUNNELING_DISABLED_SCHEMES) == null) {
      System.setProperty(TUNNELING_DISABLED_SCHEMES, "");
    }
  }

  /**
   * Reads the variables through {@code env} ({@code System::getenv}, say); upper case wins.
   *
   * @throws IOException naming the variable when a proxy is not a plain-HTTP URL, or when {@code
   *     HTTPS_PROXY} has credentials that this JVM would leave out of {@code CONNECT} requests
   */
  public static ProxySettings fromEnvironment(Function<String, String> env) throws IOException {
    return fromEnvironment(env, System.getProperty(TUNNELING_DISABLED_SCHEMES));
  }

  /** As {@link #fromEnvironment(Function)}, with the property's value given (null: unset). */
  static ProxySettings fromEnvironment(Function<String, String> env, String tunnelingDisabled)
      throws IOException {
    List<String> noProxy = new ArrayList<>();
    String list = variable(env, "NO_PROXY");
    if (list != null) {
      for (String entry : list.split(",")) {
        if (!entry.isBlank()) {
          noProxy.add(entry.strip().toLowerCase(Locale.ROOT));
        }
      }
    }
    Server https = proxy(env, "HTTPS_PROXY");
    if (https != null && https.credentials() != null && basicDisabled(tunnelingDisabled)) {
      throw new IOException(
          "HTTPS_PROXY has credentials, which this JVM leaves out of CONNECT requests: start it"
              + " with -D"
              + TUNNELING_DISABLED_SCHEMES
              + "= (empty)");
    }
    return new ProxySettings(https, proxy(env, "HTTP_PROXY"), List.copyOf(noProxy));
  }

  /** Whether the property's value (null: the JDK's default, Basic) keeps Basic from tunnels. */
  private static boolean basicDisabled(String disabledSchemes) {
    if (disabledSchemes == null) {
      return true;
    }
    for (String scheme : disabledSchemes.split(",")) {
      if (scheme.strip().equalsIgnoreCase("Basic")) {
        return true;
      }
    }
    return false;
  }

  private static String variable(Function<String, String> env, String name) {
    String upper = env.apply(name);
    if (upper != null && !upper.isBlank()) {
      return upper.strip();
    }
    String lower = env.apply(name.toLowerCase(Locale.ROOT));
    return lower == null || lower.isBlank() ? null : lower.strip();
  }

  private static Server proxy(Function<String, String> env, String name) throws IOException {
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
    if (uri.getHost() == null) {
      throw new IOException(name + " names no proxy host");
    }
    return new Server(
        InetSocketAddress.createUnresolved(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort()),
        credentials(name, uri.getUserInfo()));
  }

  /** {@code user:password} (decoded) as Go reads it: the password may be missing or empty. */
  private static Credentials credentials(String name, String userInfo) throws IOException {
    if (userInfo == null) {
      return null;
    }
    int colon = userInfo.indexOf(':');
    String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
    if (user.isEmpty()) {
      throw new IOException(name + " has a password but no user name");
    }
    try {
      return new Credentials(user, colon < 0 ? "" : userInfo.substring(colon + 1));
    } catch (IllegalArgumentException e) {
      throw new IOException(name + ": " + e.getMessage(), e);
    }
  }

  /**
   * The {@link #AUTHORIZATION_HEADER} value for a request to {@code uri}: Basic credentials when it
   * goes through a proxy that wants them.
   */
  Optional<String> authorizationFor(URI uri) {
    Server server = serverFor(uri.getScheme(), uri.getHost(), port(uri));
    if (server == null || server.credentials() == null) {
      return Optional.empty();
    }
    Credentials c = server.credentials();
    byte[] pair = (c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8);
    return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair));
  }

  /**
   * Why a proxy answered 407 to a request to {@code uri}: it wants credentials, or refused the ones
   * it was given.
   */
  String refusal(URI uri) {
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    Server server = serverFor(uri.getScheme(), uri.getHost(), port(uri));
    String variable = https ? "HTTPS_PROXY" : "HTTP_PROXY";
    if (server == null) {
      return "a proxy asked for credentials, though none is configured for " + uri.getAuthority();
    }
    return server.credentials() == null
        ? "the proxy "
            + server
            + " wants credentials: give them in "
            + variable
            + " as http://user:password@host:port"
        : "the proxy " + server + " refused the credentials given in " + variable;
  }

  /** Whether requests to {@code host[:port]} over {@code scheme} go through a proxy, and which. */
  Proxy proxyFor(String scheme, String host, int port) {
    Server server = serverFor(scheme, host, port);
    return server == null ? Proxy.NO_PROXY : new Proxy(Proxy.Type.HTTP, server.address());
  }

  private Server serverFor(String scheme, String host, int port) {
    Server server = "https".equalsIgnoreCase(scheme) ? https : http;
    return server == null || !useProxy(host.toLowerCase(Locale.ROOT), port) ? null : server;
  }

  private static int port(URI uri) {
    return uri.getPort() >= 0
        ? uri.getPort()
        : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  /** The selector the HTTP client asks for each connection. */
  ProxySelector selector() {
    return new ProxySelector() {
      @Override
      public List<Proxy> select(URI uri) {
        return List.of(proxyFor(uri.getScheme(), uri.getHost(), port(uri)));
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
