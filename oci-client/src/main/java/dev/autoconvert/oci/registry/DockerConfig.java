package dev.autoconvert.oci.registry;

import dev.autoconvert.oci.ErrorKind;
import dev.autoconvert.oci.ImageReference;
import dev.autoconvert.oci.RegistryException;
import dev.autoconvert.reload.FileBacked;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Credentials from a Docker client configuration file: {@code ~/.docker/config.json}, or a
 * Kubernetes {@code kubernetes.io/dockerconfigjson} secret mounted as a file (the legacy {@code
 * .dockercfg} form too). For each registry, in the Docker CLI's order: its credential helper
 * ({@code credHelpers}), else the default store ({@code credsStore}), else its {@code auths} entry
 * ({@code auth}, or {@code username} and {@code password}).
 *
 * <p>The file is read again when it changes, since mounted secrets are replaced in place; a
 * helper's answer is kept for {@link #HELPER_CACHE}, so that Basic authentication, which sends
 * credentials with every request, does not run a process per request. An identity token (OAuth2
 * refresh token: an entry's {@code identitytoken}, or a helper's answer for the user {@code
 * <token>}) wins over a password, as in the Docker CLI. No secret ever appears in a message.
 */
public final class DockerConfig implements CredentialStore {
  static final Duration HELPER_CACHE = Duration.ofMinutes(5);
  static final Duration HELPER_TIMEOUT = Duration.ofSeconds(30);

  /** The key the Docker CLI files Docker Hub credentials under, and the URL its helpers get. */
  static final String DOCKER_HUB_SERVER = "https://index.docker.io/v1/";

  /** What a helper of docker-credential-helpers prints when it has nothing for the server. */
  private static final String NOT_FOUND = "credentials not found";

  private static final int HELPER_OUTPUT_LIMIT = 64 * 1024;
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private final Path file;
  private final List<Path> helperPath;
  private final Duration helperTimeout;
  private final Clock clock;
  private final ConcurrentMap<String, Answer> helperAnswers = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Object> helperRuns = new ConcurrentHashMap<>();
  private final FileBacked<Snapshot> snapshot;

  private DockerConfig(Path file, List<Path> helperPath, Duration helperTimeout, Clock clock)
      throws IOException {
    this.file = file;
    this.helperPath = List.copyOf(helperPath);
    this.helperTimeout = helperTimeout;
    this.clock = clock;
    this.snapshot =
        FileBacked.read("Docker config " + file, () -> FileBacked.stateOf(file), () -> read(file));
  }

  /**
   * Reads {@code file} now, so that a missing or malformed file stops a service at start; helpers
   * are looked for on the {@code PATH}.
   *
   * @throws IOException naming the file and what is wrong with it
   */
  public static DockerConfig load(Path file) throws IOException {
    String path = System.getenv("PATH");
    List<Path> dirs =
        path == null
            ? List.of()
            : Stream.of(path.split(File.pathSeparator))
                .filter(s -> !s.isEmpty())
                .map(Path::of)
                .toList();
    return load(file, dirs, HELPER_TIMEOUT, Clock.systemUTC());
  }

  static DockerConfig load(Path file, List<Path> helperPath, Duration helperTimeout, Clock clock)
      throws IOException {
    return new DockerConfig(file, helperPath, helperTimeout, clock);
  }

  /**
   * The file the Docker CLI reads: {@code $DOCKER_CONFIG/config.json}, else {@code
   * ~/.docker/config.json}; empty when it does not exist.
   */
  public static Optional<Path> defaultFile() {
    String dir = System.getenv("DOCKER_CONFIG");
    Path config =
        dir != null && !dir.isBlank()
            ? Path.of(dir, "config.json")
            : Path.of(System.getProperty("user.home"), ".docker", "config.json");
    return Files.isRegularFile(config) ? Optional.of(config) : Optional.empty();
  }

  @Override
  public Optional<Credentials> lookup(String host) throws RegistryException {
    String key = normalize(host);
    Snapshot current = snapshot.current();
    String helper = current.helpers().getOrDefault(key, current.store());
    if (helper != null) {
      return fromHelper(helper, key);
    }
    return Optional.ofNullable(current.auths().get(key));
  }

  /** Drops a helper's kept answer that {@code host} refused: the next lookup asks again. */
  @Override
  public void refused(String host, Credentials credentials) {
    String key = normalize(host);
    helperAnswers
        .entrySet()
        .removeIf(
            e -> e.getKey().endsWith(" " + key) && credentials.equals(e.getValue().credentials()));
  }

  @Override
  public String toString() {
    return "DockerConfig[" + file + "]";
  }

  private static Snapshot read(Path file) throws IOException {
    JsonNode root;
    try {
      root = MAPPER.readTree(Files.readAllBytes(file));
    } catch (JacksonException e) {
      // The parser's message quotes the offending input, which may be a secret.
      throw new IOException(file + " is not a Docker config file: not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw new IOException(file + " is not a Docker config file: not a JSON object");
    }
    // The legacy ~/.dockercfg form (Kubernetes kubernetes.io/dockercfg secrets) has the auths
    // entries at the top level.
    JsonNode entries =
        root.has("auths") || root.has("credHelpers") || root.has("credsStore")
            ? root.path("auths")
            : root;
    Map<String, Credentials> auths = new HashMap<>();
    for (Map.Entry<String, JsonNode> e : entries.properties()) {
      Credentials credentials = entry(file, e.getKey(), e.getValue());
      if (credentials != null) {
        auths.put(normalize(e.getKey()), credentials);
      }
    }
    Map<String, String> helpers = new HashMap<>();
    for (Map.Entry<String, JsonNode> e : root.path("credHelpers").properties()) {
      helpers.put(normalize(e.getKey()), helperName(file, e.getValue().asString("")));
    }
    String store = root.path("credsStore").asString("");
    return new Snapshot(auths, helpers, store.isEmpty() ? null : helperName(file, store));
  }

  /** One {@code auths} entry's credentials; null when it has none. */
  private static Credentials entry(Path file, String key, JsonNode node) throws IOException {
    String identityToken = node.path("identitytoken").asString("");
    if (!identityToken.isEmpty()) {
      return Credentials.identityToken(identityToken);
    }
    String auth = node.path("auth").asString("");
    String username = node.path("username").asString("");
    String password = node.path("password").asString("");
    if (!auth.isEmpty()) {
      String pair;
      try {
        pair = new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IOException(file + ": auths entry " + key + ": 'auth' is not base64");
      }
      int colon = pair.indexOf(':');
      if (colon <= 0) {
        throw new IOException(file + ": auths entry " + key + ": 'auth' is not user:password");
      }
      username = pair.substring(0, colon);
      password = pair.substring(colon + 1);
    }
    return username.isEmpty() ? null : new Credentials(username, password);
  }

  private static String helperName(Path file, String name) throws IOException {
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new IOException(file + ": credential helper name '" + name + "' is not a plain name");
    }
    return name;
  }

  /**
   * The registry part of a key or host, lower case: the Docker CLI files some keys as URLs, and
   * Docker Hub under several names.
   */
  static String normalize(String key) {
    String k = key.strip().toLowerCase(Locale.ROOT).replaceFirst("^https?://", "");
    int slash = k.indexOf('/');
    if (slash >= 0) {
      k = k.substring(0, slash);
    }
    return switch (k) {
      case "index.docker.io", "registry-1.docker.io" -> ImageReference.DOCKER_HUB;
      default -> k;
    };
  }

  private Optional<Credentials> fromHelper(String helper, String host) throws RegistryException {
    String cacheKey = helper + " " + host;
    Answer cached = kept(cacheKey);
    if (cached != null) {
      return Optional.ofNullable(cached.credentials());
    }
    // Parallel pulls of one registry ask at once: one of them runs the helper, the rest wait.
    synchronized (helperRuns.computeIfAbsent(cacheKey, k -> new Object())) {
      cached = kept(cacheKey);
      if (cached != null) {
        return Optional.ofNullable(cached.credentials());
      }
      Credentials answer = runHelper(helper, host);
      helperAnswers.put(cacheKey, new Answer(answer, clock.instant().plus(HELPER_CACHE)));
      return Optional.ofNullable(answer);
    }
  }

  private Answer kept(String cacheKey) {
    Answer answer = helperAnswers.get(cacheKey);
    return answer != null && clock.instant().isBefore(answer.until()) ? answer : null;
  }

  /** Runs {@code docker-credential-<helper> get} as the Docker CLI does; null when it has none. */
  private Credentials runHelper(String helper, String host) throws RegistryException {
    String program = "docker-credential-" + helper;
    String action = "get credentials for " + host + " from " + program;
    Path executable =
        helperPath.stream()
            .map(dir -> dir.resolve(program))
            .filter(Files::isExecutable)
            .findFirst()
            .orElseThrow(
                () ->
                    new RegistryException(
                        ErrorKind.UNAUTHORIZED,
                        action,
                        program + " is not on the PATH (named by " + file + ")"));
    String server = host.equals(ImageReference.DOCKER_HUB) ? DOCKER_HUB_SERVER : host;
    Process process;
    boolean answered;
    try {
      process = new ProcessBuilder(executable.toString(), "get").redirectErrorStream(true).start();
      try (OutputStream in = process.getOutputStream()) {
        in.write(server.getBytes(StandardCharsets.UTF_8));
      }
      // Answers are a few hundred bytes, well inside the pipe's buffer: wait first, then read.
      answered = process.waitFor(helperTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (IOException e) {
      throw new RegistryException(ErrorKind.UNAUTHORIZED, action, 0, "cannot run: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(ErrorKind.UNAVAILABLE, action, 0, "interrupted", e);
    }
    if (!answered) {
      process.destroyForcibly();
      throw new RegistryException(
          ErrorKind.UNAVAILABLE, action, "no answer within " + helperTimeout.toMillis() + " ms");
    }
    byte[] output;
    try {
      output = process.getInputStream().readNBytes(HELPER_OUTPUT_LIMIT);
    } catch (IOException e) {
      throw new RegistryException(ErrorKind.UNAUTHORIZED, action, 0, "cannot read answer", e);
    }
    String text = new String(output, StandardCharsets.UTF_8).strip();
    if (process.exitValue() != 0) {
      if (text.toLowerCase(Locale.ROOT).contains(NOT_FOUND)) {
        return null;
      }
      // Failing helpers print an error, never the secret they did not find.
      String first = text.lines().findFirst().orElse("");
      throw new RegistryException(
          ErrorKind.UNAUTHORIZED,
          action,
          "exit " + process.exitValue() + ": " + first.substring(0, Math.min(first.length(), 200)));
    }
    JsonNode answer;
    try {
      answer = MAPPER.readTree(text);
    } catch (JacksonException e) {
      throw new RegistryException(ErrorKind.UNAUTHORIZED, action, "answer is not JSON");
    }
    String username = answer.path("Username").asString("");
    String secret = answer.path("Secret").asString("");
    if (username.isEmpty()) {
      throw new RegistryException(ErrorKind.UNAUTHORIZED, action, "answer has no Username");
    }
    if (username.equals(Credentials.IDENTITY_TOKEN_USER) && secret.isEmpty()) {
      throw new RegistryException(ErrorKind.UNAUTHORIZED, action, "answer has no identity token");
    }
    return new Credentials(username, secret);
  }

  /** A helper's answer (null: it has none for the host) and until when it is used. */
  private record Answer(Credentials credentials, Instant until) {}

  /** The file as read, keyed by normalised host. */
  private record Snapshot(
      Map<String, Credentials> auths, Map<String, String> helpers, String store) {
    /** Logged when the file is read again: names the registries, never a credential. */
    @Override
    public String toString() {
      return "auths for "
          + new TreeSet<>(auths.keySet())
          + ", helpers for "
          + new TreeSet<>(helpers.keySet());
    }
  }
}
