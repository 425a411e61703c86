package dev.autoconvert.testsupport.registry;

import dev.autoconvert.testsupport.net.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real CNCF distribution registry ({@code docker-registry serve}) on a free 127.0.0.1 port with
 * its own temporary storage and a generated configuration: optionally htpasswd Basic auth, token
 * auth against an in-test {@link TokenServer}, and a notification endpoint. It can be stopped and
 * started again on the same port and storage. Tests are skipped (JUnit assumption) when
 * docker-registry is not installed.
 *
 * <pre>{@code
 * try (LocalRegistry registry = LocalRegistry.builder().basicAuth("user", "pass").start()) {
 *   registry.host(); // 127.0.0.1:<port>
 * }
 * }</pre>
 */
public final class LocalRegistry implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  /** Access-log lines: {@code "PATCH /v2/app/blobs/uploads/… HTTP/1.1" 202}. */
  private static final Pattern ACCESS_LINE =
      Pattern.compile("\"([A-Z]+) (/v2/[^ \"]*) HTTP/[0-9.]+\" (\\d{3})");

  private final Builder options;
  private final Path dir;
  private final Path config;
  private final Path log;
  private final int port;
  private final TokenServer tokenServer;
  private final Path clientCertsDirectory;
  private Process process;
  private int starts;

  private LocalRegistry(Builder options) throws IOException {
    this.options = options;
    this.dir = Files.createTempDirectory("local-registry");
    this.port = FreePorts.one();
    this.config = dir.resolve("config.yml");
    this.log = dir.resolve("registry.log");
    this.tokenServer =
        options.tokenAuth
            ? TokenServer.start(options.username, options.password, dir.resolve("token"))
            : null;
    this.clientCertsDirectory = options.clientCertificates ? clientCertificates() : null;
    writeConfig();
  }

  /** Docker's layout: {@code certs.d/<host>/} with the CA and a client certificate. */
  private Path clientCertificates() throws IOException {
    Path certsD = dir.resolve("certs.d");
    Path own = certsD.resolve(host());
    options.tls.clientCertificate(own, "client", TestCertificates.KeyForm.PKCS8_RSA);
    Files.copy(options.tls.ca(), own.resolve("ca.crt"));
    return certsD;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A registry without authentication or notifications. */
  public static LocalRegistry start() throws IOException {
    return builder().start();
  }

  /** {@code 127.0.0.1:<port>}, the registry part of image references. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public URI url() {
    return URI.create((options.tls == null ? "http://" : "https://") + host());
  }

  /** The certificates it serves HTTPS with, or null for plain HTTP. */
  public TestCertificates tls() {
    return options.tls;
  }

  /**
   * For a registry with {@link Builder#mutualTls mutual TLS}: a {@code certs.d} directory in
   * Docker's layout with, under {@code <host>/}, the CA ({@code ca.crt}) and a client certificate
   * the registry accepts ({@code client.cert}, {@code client.key}). Null for other registries.
   */
  public Path clientCertsDirectory() {
    return clientCertsDirectory;
  }

  /**
   * skopeo's option for this registry's client certificate ({@code --src-} etc.), if it needs one.
   */
  private List<String> skopeoCertDir(String option) {
    return clientCertsDirectory == null
        ? List.of()
        : List.of(option + "=" + clientCertsDirectory.resolve(host()));
  }

  /** The user name tests authenticate with (Basic or token auth), or null. */
  public String username() {
    return options.username;
  }

  public String password() {
    return options.password;
  }

  /** The token server when token auth is on. */
  public TokenServer tokenServer() {
    if (tokenServer == null) {
      throw new IllegalStateException("this registry was built without token auth");
    }
    return tokenServer;
  }

  public Path storageDirectory() {
    return dir.resolve("storage");
  }

  public Path logFile() {
    return log;
  }

  /** Everything the registry logged since it was created (across restarts). */
  public String logText() throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  /** The requests the registry answered, from its access log: {@code METHOD path status}. */
  public List<String> requests() throws IOException {
    List<String> requests = new ArrayList<>();
    Matcher m = ACCESS_LINE.matcher(logText());
    while (m.find()) {
      requests.add(m.group(1) + " " + m.group(2) + " " + m.group(3));
    }
    return requests;
  }

  /** (Re)starts the process on the same port and storage and waits until {@code /v2/} answers. */
  public synchronized LocalRegistry startProcess() throws IOException {
    if (process != null && process.isAlive()) {
      return this;
    }
    writeConfig();
    process =
        new ProcessBuilder("docker-registry", "serve", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    starts++;
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!answers()) {
      if (!process.isAlive()) {
        throw new IOException(
            "docker-registry exited with " + process.exitValue() + " at start:\n" + logText());
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("docker-registry did not answer within " + START_TIMEOUT);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while starting docker-registry", e);
      }
    }
    return this;
  }

  /** Kills the registry process; {@link #startProcess()} brings it back with the same content. */
  public synchronized void stopProcess() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  /** Restarts the process, e.g. to load a rotated token certificate. */
  public void restart() throws IOException {
    stopProcess();
    startProcess();
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** How often the process was started. */
  public synchronized int starts() {
    return starts;
  }

  /**
   * Copies an image (or, with an index, every platform) from an OCI layout into this registry with
   * skopeo, authenticating when the registry requires it.
   */
  public void pushFromLayout(Path layout, String layoutTag, String repositoryAndTag)
      throws IOException {
    Executables.assumeOnPath("skopeo");
    List<String> command = new ArrayList<>(List.of("skopeo", "copy", "-q", "--all"));
    command.add("--dest-tls-verify=false");
    command.addAll(skopeoCertDir("--dest-cert-dir"));
    if (options.username != null) {
      command.add("--dest-creds=" + options.username + ":" + options.password);
    }
    command.add("oci:" + layout + ":" + layoutTag);
    command.add("docker://" + host() + "/" + repositoryAndTag);
    Executables.run(command, credentialsOrNone());
  }

  /** Runs {@code skopeo} with the registry's credentials for source and destination. */
  public String skopeo(String... args) throws IOException {
    Executables.assumeOnPath("skopeo");
    List<String> command = new ArrayList<>(List.of("skopeo", args[0]));
    boolean copy = args[0].equals("copy");
    command.addAll(skopeoCertDir(copy ? "--src-cert-dir" : "--cert-dir"));
    if (copy) {
      command.addAll(skopeoCertDir("--dest-cert-dir"));
    }
    if (options.username != null) {
      String creds = options.username + ":" + options.password;
      command.add(args[0].equals("copy") ? "--src-creds=" + creds : "--creds=" + creds);
      if (args[0].equals("copy")) {
        command.add("--dest-creds=" + creds);
      }
    }
    command.addAll(List.of(args).subList(1, args.length));
    return Executables.run(command, credentialsOrNone());
  }

  private String credentialsOrNone() {
    return options.password == null ? "\u0000" : options.password;
  }

  private boolean answers() {
    if (options.tls != null) {
      return listens(); // plain HTTP probes cannot speak to it; the socket is bound once it serves
    }
    try {
      HttpURLConnection connection =
          (HttpURLConnection) URI.create("http://" + host() + "/v2/").toURL().openConnection();
      connection.setConnectTimeout(200);
      connection.setReadTimeout(1000);
      int status = connection.getResponseCode();
      connection.disconnect();
      return status == 200 || status == 401;
    } catch (IOException notYet) {
      return false;
    }
  }

  private boolean listens() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  private void writeConfig() throws IOException {
    StringBuilder yaml = new StringBuilder();
    yaml.append("version: 0.1\n")
        .append("log:\n  level: info\n  formatter: text\n  accesslog:\n    disabled: false\n")
        .append("storage:\n  filesystem:\n    rootdirectory: ")
        .append(storageDirectory())
        .append("\n  delete:\n    enabled: true\n")
        .append("  maintenance:\n    uploadpurging:\n      enabled: false\n")
        .append("http:\n  addr: 127.0.0.1:")
        .append(port)
        .append("\n  secret: local-registry-test-secret\n");
    if (options.tls != null) {
      yaml.append("  tls:\n    certificate: ")
          .append(options.tls.certificate())
          .append("\n    key: ")
          .append(options.tls.key())
          .append('\n');
      if (options.clientCertificates) {
        // distribution then requires and verifies a client certificate on every connection
        yaml.append("    clientcas:\n      - ").append(options.tls.ca()).append('\n');
      }
    }
    yaml.append("health:\n  storagedriver:\n    enabled: false\n");
    if (options.username != null && !options.tokenAuth) {
      Path htpasswd = dir.resolve("htpasswd");
      if (!Files.exists(htpasswd)) {
        Executables.assumeOnPath("htpasswd");
        String line =
            Executables.run(
                List.of("htpasswd", "-Bbn", options.username, options.password), options.password);
        Files.writeString(htpasswd, line.strip() + "\n");
      }
      yaml.append("auth:\n  htpasswd:\n    realm: local-registry\n    path: ")
          .append(htpasswd)
          .append('\n');
    }
    if (tokenServer != null) {
      yaml.append("auth:\n  token:\n");
      tokenServer
          .registryAuthConfig()
          .forEach((k, v) -> yaml.append("    ").append(k).append(": ").append(v).append('\n'));
    }
    if (options.notificationUrl != null) {
      yaml.append("notifications:\n  events:\n    includereferences: true\n  endpoints:\n")
          .append("    - name: test-listener\n      url: ")
          .append(options.notificationUrl)
          .append("\n      timeout: ")
          .append(options.notificationTimeout.toMillis())
          .append("ms\n      threshold: 3\n      backoff: ")
          .append(options.notificationBackoff.toMillis())
          .append("ms\n");
      if (!options.notificationHeaders.isEmpty()) {
        yaml.append("      headers:\n");
        options.notificationHeaders.forEach(
            (k, v) ->
                yaml.append("        ").append(k).append(": [").append(quote(v)).append("]\n"));
      }
      yaml.append("      ignoredmediatypes: [application/octet-stream]\n")
          .append("      ignore:\n        actions: [pull]\n");
    }
    Files.writeString(config, yaml.toString());
  }

  private static String quote(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** Stops the registry (and token server) and deletes its storage. */
  @Override
  public void close() throws IOException {
    stopProcess();
    if (tokenServer != null) {
      tokenServer.close();
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(LocalRegistry::delete);
    }
  }

  private static void delete(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Options of a {@link LocalRegistry}. */
  public static final class Builder {
    private String username;
    private String password;
    private boolean tokenAuth;
    private String notificationUrl;
    private final Map<String, String> notificationHeaders = new LinkedHashMap<>();
    private Duration notificationTimeout = Duration.ofSeconds(2);
    private Duration notificationBackoff = Duration.ofSeconds(1);
    private TestCertificates tls;
    private boolean clientCertificates;

    private Builder() {}

    /** Serves HTTPS with {@code certificates} (clients must trust their CA), not plain HTTP. */
    public Builder tls(TestCertificates certificates) {
      this.tls = certificates;
      return this;
    }

    /**
     * Mutual TLS: serves HTTPS with {@code certificates} and accepts only clients presenting a
     * certificate their CA signed.
     */
    public Builder mutualTls(TestCertificates certificates) {
      this.tls = certificates;
      this.clientCertificates = true;
      return this;
    }

    /** htpasswd (bcrypt) Basic authentication with one user. */
    public Builder basicAuth(String username, String password) {
      this.username = username;
      this.password = password;
      this.tokenAuth = false;
      return this;
    }

    /** Token authentication against a {@link TokenServer} that accepts this one user. */
    public Builder tokenAuth(String username, String password) {
      this.username = username;
      this.password = password;
      this.tokenAuth = true;
      return this;
    }

    /**
     * Sends push/delete notifications (not pulls, not blob events) to {@code url}, with the given
     * headers (e.g. {@code Authorization: Bearer <token>}).
     */
    public Builder notifications(String url, Map<String, String> headers) {
      this.notificationUrl = url;
      this.notificationHeaders.putAll(headers);
      return this;
    }

    /** How long the registry waits for the endpoint, and between retries after failures. */
    public Builder notificationTiming(Duration timeout, Duration backoff) {
      this.notificationTimeout = timeout;
      this.notificationBackoff = backoff;
      return this;
    }

    /**
     * Starts the registry; skips the calling test when docker-registry is not installed. A port
     * taken between choosing and binding it is replaced by another.
     */
    public LocalRegistry start() throws IOException {
      Executables.assumeOnPath("docker-registry");
      for (int attempt = 1; ; attempt++) {
        LocalRegistry registry = new LocalRegistry(this);
        try {
          return registry.startProcess();
        } catch (IOException | RuntimeException e) {
          registry.close();
          if (attempt == 3 || !String.valueOf(e.getMessage()).contains("address already in use")) {
            throw e;
          }
        }
      }
    }
  }
}
