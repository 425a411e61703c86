package dev.autoconvert.oci.registry;

import dev.autoconvert.oci.Digest;
import dev.autoconvert.oci.ErrorKind;
import dev.autoconvert.oci.ImageReference;
import dev.autoconvert.oci.RegistryException;
import dev.autoconvert.oci.manifest.Descriptor;
import dev.autoconvert.oci.manifest.RawManifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * The OCI distribution client: pulls and pushes manifests and blobs, lists tags. It owns what every
 * operation shares: authentication (anonymous, Basic, Bearer tokens with refresh), redirects,
 * bounded retries of replayable requests with backoff, and turning failures into {@link
 * RegistryException}s that name the action. Thread-safe; one instance serves many concurrent
 * conversions.
 *
 * <p>Registries are reached over HTTPS unless their {@link RegistryConfig} says plain HTTP; there
 * is no fallback from one to the other. A registry without a configuration is reached anonymously
 * over HTTPS.
 */
public final class RegistryClient {
  private static final System.Logger LOG = System.getLogger(RegistryClient.class.getName());
  private static final int MAX_REDIRECTS = 5;
  private static final int MAX_PAGES = 100_000;

  /** Docker Hub's API does not live at the host name references use. */
  private static final String DOCKER_HUB_API = "registry-1.docker.io";

  /**
   * 401 answers one request may recover from: the first challenge, and a refusal of credentials a
   * store has since rotated (the authenticator only asks for a retry when it has other ones).
   */
  private static final int MAX_REAUTHENTICATIONS = 2;

  private final Map<String, RegistryConfig> configs;
  private final CredentialStore credentialStore;
  private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
  private final Supplier<RegistryTls> tls;
  private final ProxySettings proxy;
  private final Duration connectTimeout;
  private final HttpClient defaultHttp;
  private volatile TlsClients tlsClients = new TlsClients(null, Map.of());
  private final Backoff backoff;
  private final Clock clock;
  private final Duration requestTimeout;
  private final ReadWatchdog watchdog;
  private final long chunkSize;
  private final int pageSize;
  private final String userAgent;

  /**
   * A registry's base URI, its authorization state, and the registry whose TLS settings apply (a
   * token server is reached with its registry's, as the Docker engine does).
   */
  private record Endpoint(URI base, boolean plainHttp, Authenticator auth, String tlsHost) {}

  /** The HTTP clients of one reading of the TLS files, one per TLS context. */
  private record TlsClients(RegistryTls tls, Map<SSLContext, HttpClient> clients) {}

  private RegistryClient(Builder builder) {
    this.configs = Map.copyOf(builder.configs);
    this.credentialStore = builder.credentialStore;
    this.clock = builder.clock;
    this.backoff =
        new Backoff(
            builder.retryPolicy,
            builder.sleeper,
            () -> ThreadLocalRandom.current().nextDouble(),
            builder.clock);
    this.requestTimeout = builder.requestTimeout;
    this.watchdog = new ReadWatchdog(builder.readTimeout);
    this.chunkSize = builder.chunkSize;
    this.pageSize = builder.pageSize;
    this.userAgent = builder.userAgent;
    this.tls = builder.tls;
    this.proxy = builder.proxy;
    this.connectTimeout = builder.connectTimeout;
    this.defaultHttp = newHttp(null);
  }

  private HttpClient newHttp(SSLContext contextOrNull) {
    HttpClient.Builder http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER);
    if (!proxy.equals(ProxySettings.NONE)) {
      http.proxy(proxy.selector());
    }
    if (contextOrNull != null) {
      http.sslContext(contextOrNull);
    }
    return http.build();
  }

  /**
   * One client per TLS context: connections are pooled per client. When the TLS files were read
   * again, new clients make new connections with what was read; the old ones are dropped with their
   * pools.
   */
  private HttpClient httpFor(String host) {
    RegistryTls now = tls.get();
    TlsClients current = tlsClients;
    if (current.tls() != now) {
      current = new TlsClients(now, new ConcurrentHashMap<>());
      tlsClients = current;
    }
    Map<SSLContext, HttpClient> clients = current.clients();
    return now.context(host)
        .map(c -> clients.computeIfAbsent(c, this::newHttp))
        .orElse(defaultHttp);
  }

  public static Builder builder() {
    return new Builder();
  }

  // ---- manifests ----

  /** The manifest or index {@code reference} names (by digest if it has one, else by tag). */
  public RawManifest pullManifest(ImageReference reference) throws RegistryException {
    return call(endpoint(reference.registry()), new ManifestPuller(reference));
  }

  /** The manifest's descriptor (media type, digest, size), or empty when it does not exist. */
  public Optional<Descriptor> checkManifest(ImageReference reference) throws RegistryException {
    return call(endpoint(reference.registry()), new ManifestChecker(reference));
  }

  /**
   * Pushes the exact bytes of {@code manifest} under the tag or digest of {@code reference}. Blobs
   * and child manifests it names must have been pushed first. Returns the digest, which the
   * registry confirmed.
   */
  public Digest pushManifest(ImageReference reference, RawManifest manifest)
      throws RegistryException {
    call(endpoint(reference.registry()), new ManifestPusher(reference, manifest));
    return manifest.digest();
  }

  // ---- blobs ----

  /** The blob's size if {@code repository} (its registry and repository) has it. */
  public OptionalLong checkBlob(ImageReference repository, Digest digest) throws RegistryException {
    return call(endpoint(repository.registry()), new BlobChecker(repository, digest));
  }

  /**
   * Opens a blob for streaming. The stream verifies size ({@code size < 0}: unknown) and digest as
   * it is read and fails at the end with {@link ErrorKind#DIGEST_MISMATCH} if they do not match;
   * consume it to the end before trusting what it gave. A broken or stalled connection (no data for
   * the read timeout) is resumed with a {@code Range} request from where it stopped.
   */
  public InputStream openBlob(ImageReference repository, Digest digest, long size)
      throws RegistryException {
    Endpoint endpoint = endpoint(repository.registry());
    String action = "pull blob " + digest + " from " + repository.name();
    return new ResumableBlobStream(
            action,
            digest,
            size,
            offset -> call(endpoint, new BlobPuller(repository, digest, offset)),
            backoff,
            watchdog)
        .start();
  }

  /** Copies a verified blob into {@code sink}. */
  public void pullBlob(ImageReference repository, Descriptor blob, OutputStream sink)
      throws IOException {
    try (InputStream in = openBlob(repository, blob.digest(), blob.size())) {
      in.transferTo(sink);
    }
  }

  /** Pushes a blob unless the repository has it already. */
  public BlobPushOutcome pushBlob(ImageReference repository, BlobSource source) throws IOException {
    return pushBlob(repository, source, null);
  }

  /**
   * Pushes a blob unless the repository has it already. With {@code mountFrom} (another repository
   * of the same registry that has the blob) the registry is asked to mount it; when it answers with
   * an upload session instead, the content is uploaded. Blobs up to the chunk size go in one {@code
   * PUT}, bigger ones in {@code PATCH} chunks. A failed upload restarts from a new session (the
   * source is read again), within the retry policy.
   */
  public BlobPushOutcome pushBlob(ImageReference repository, BlobSource source, String mountFrom)
      throws IOException {
    Endpoint endpoint = endpoint(repository.registry());
    boolean reauthenticated = false;
    for (int attempt = 0; ; attempt++) {
      if (call(endpoint, new BlobChecker(repository, source.digest())).isPresent()) {
        return BlobPushOutcome.EXISTED;
      }
      URI location;
      if (mountFrom != null && !mountFrom.equals(repository.repository())) {
        UploadInitiator.Started started =
            call(endpoint, new UploadInitiator(repository, source.digest(), mountFrom));
        if (started.mounted()) {
          return BlobPushOutcome.MOUNTED;
        }
        location = started.location();
      } else {
        location = call(endpoint, new UploadInitiator(repository)).location();
      }
      try {
        upload(endpoint, repository, source, location);
        return BlobPushOutcome.UPLOADED;
      } catch (RegistryException e) {
        // A token can expire during a long upload; the session cannot replay, so start over.
        boolean tokenExpired = e.status() == 401 && !reauthenticated;
        if (!tokenExpired && (!e.retryable() || attempt + 1 >= backoff.maxAttempts())) {
          throw e;
        }
        reauthenticated |= tokenExpired;
        LOG.log(Level.INFO, "restarting {0}: {1}", e.action(), e.getMessage());
        pause(e.action(), backoff.delay(attempt));
      }
    }
  }

  private void upload(Endpoint endpoint, ImageReference repository, BlobSource source, URI location)
      throws IOException {
    long size = source.size();
    if (size <= chunkSize) {
      call(endpoint, UploadFinisher.monolithic(repository, location, source));
      return;
    }
    try (InputStream in = source.open()) {
      for (long offset = 0; offset < size; offset += chunkSize) {
        long length = Math.min(chunkSize, size - offset);
        location =
            call(
                endpoint,
                new BlobChunkUploader(repository, source.digest(), location, in, offset, length));
      }
    }
    call(endpoint, UploadFinisher.afterChunks(repository, location, source));
  }

  // ---- listings ----

  /** Every tag of the repository, following the registry's pagination. */
  public List<String> listTags(ImageReference repository) throws RegistryException {
    return list(
        endpoint(repository.registry()),
        "list tags of " + repository.name(),
        List.of(RegistryOperation.pull(repository.repository())),
        URI.create("/v2/" + repository.repository() + "/tags/list?n=" + pageSize),
        "tags");
  }

  /** Every repository of the registry ({@code /v2/_catalog}; registries may refuse it). */
  public List<String> listRepositories(String registry) throws RegistryException {
    return list(
        endpoint(registry),
        "list repositories of " + registry,
        List.of("registry:catalog:*"),
        URI.create("/v2/_catalog?n=" + pageSize),
        "repositories");
  }

  private List<String> list(
      Endpoint endpoint, String action, List<String> scopes, URI first, String field)
      throws RegistryException {
    List<String> all = new ArrayList<>();
    URI page = first;
    for (int pages = 0; page != null; pages++) {
      if (pages >= MAX_PAGES) {
        throw new RegistryException(
            ErrorKind.PROTOCOL, action, "more than " + MAX_PAGES + " pages");
      }
      PageLister.Page result = call(endpoint, new PageLister(action, scopes, page, field));
      all.addAll(result.items());
      page = result.next();
    }
    return all;
  }

  // ---- the transport every operation goes through ----

  private Endpoint endpoint(String host) {
    return endpoints.computeIfAbsent(
        host,
        h -> {
          RegistryConfig config = configs.getOrDefault(h, RegistryConfig.https(h));
          String apiHost = h.equals(ImageReference.DOCKER_HUB) ? DOCKER_HUB_API : h;
          URI base = URI.create((config.plainHttp() ? "http://" : "https://") + apiHost);
          Credentials configured = config.credentials();
          CredentialStore credentials =
              configured != null ? any -> Optional.of(configured) : credentialStore;
          return new Endpoint(
              base,
              config.plainHttp(),
              new Authenticator(h, credentials, config.plainHttp(), clock),
              h);
        });
  }

  private Endpoint tokenEndpoint(URI realm, Endpoint registry) {
    // The realm is called with the credentials in the request itself, never with a challenge.
    return new Endpoint(
        realm,
        registry.plainHttp(),
        new Authenticator(realm.getAuthority(), CredentialStore.NONE, false, clock),
        registry.tlsHost());
  }

  private <T> T call(Endpoint endpoint, RegistryOperation<T> operation) throws RegistryException {
    int reauthentications = 0;
    for (int attempt = 0; ; ) {
      RegistryException failure;
      String retryAfter = null;
      try {
        HttpResponse<InputStream> response = send(endpoint, operation);
        int status = response.statusCode();
        if (operation.accepts(status)) {
          return handle(operation, response);
        }
        if (status == 407) {
          throw proxyRefusal(operation, response);
        }
        byte[] errorBody = Http.readPrefix(response, Http.ERROR_BODY_LIMIT);
        if (status == 401
            && reauthentications < MAX_REAUTHENTICATIONS
            && endpoint.auth().onUnauthorized(response.headers(), operation.scopes())) {
          reauthentications++;
          if (operation.replayable()) {
            continue;
          }
        }
        failure = ErrorResponses.toException(operation.action(), status, errorBody);
        retryAfter = response.headers().firstValue("Retry-After").orElse(null);
      } catch (RegistryException e) {
        throw e;
      } catch (IOException | UncheckedIOException e) {
        // The HTTP client sometimes wraps the handshake failure in a plain IOException.
        SSLException tls = tlsCause(e);
        if (tls != null) {
          throw new RegistryException(
              ErrorKind.PROTOCOL,
              operation.action(),
              0,
              "TLS failure talking to "
                  + endpoint.base()
                  + " ("
                  + tls.getMessage()
                  + "); "
                  + tlsHint(tls),
              e);
        }
        failure =
            new RegistryException(
                ErrorKind.UNAVAILABLE,
                operation.action(),
                0,
                "cannot reach " + endpoint.base() + ": " + e,
                e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryException(ErrorKind.UNAVAILABLE, operation.action(), 0, "interrupted", e);
      }
      if (!failure.retryable()
          || failure.kind() == ErrorKind.DIGEST_MISMATCH
          || !operation.replayable()
          || attempt + 1 >= backoff.maxAttempts()) {
        throw failure;
      }
      Optional<Duration> wait = backoff.next(attempt, retryAfter);
      if (wait.isEmpty()) {
        throw new RegistryException(
            failure.kind(),
            operation.action(),
            failure.status(),
            failure.getMessage() + " (registry asked to retry after " + retryAfter + ")",
            failure);
      }
      attempt++;
      LOG.log(
          Level.INFO,
          "retrying {0} in {1} ms (attempt {2} of {3}): {4}",
          operation.action(),
          wait.get().toMillis(),
          attempt + 1,
          backoff.maxAttempts(),
          failure.getMessage());
      pause(operation.action(), wait.get());
    }
  }

  /** A proxy's 407, which retrying cannot change. */
  private RegistryException proxyRefusal(
      RegistryOperation<?> operation, HttpResponse<InputStream> response) throws IOException {
    // the JDK answers a CONNECT the proxy refused with a response without body
    if (response.body() != null) {
      response.body().close();
    }
    return new RegistryException(
        ErrorKind.UNAUTHORIZED,
        operation.action(),
        response.statusCode(),
        proxy.refusal(response.request().uri()),
        null);
  }

  private <T> T handle(RegistryOperation<T> operation, HttpResponse<InputStream> response)
      throws IOException {
    boolean keep = false;
    try {
      T result = operation.handle(response);
      keep = operation.keepsBody();
      return result;
    } finally {
      if (!keep) {
        response.body().close();
      }
    }
  }

  private HttpResponse<InputStream> send(Endpoint endpoint, RegistryOperation<?> operation)
      throws IOException, InterruptedException {
    HttpRequest.Builder builder =
        operation.request(endpoint.base()).timeout(requestTimeout).header("User-Agent", userAgent);
    Optional<String> authorization =
        endpoint
            .auth()
            .authorization(
                operation.scopes(),
                (fetcher, realm) -> call(tokenEndpoint(realm, endpoint), fetcher));
    authorization.ifPresent(value -> builder.header("Authorization", value));
    HttpRequest request = withProxyAuthorization(builder.build());
    HttpResponse<InputStream> response =
        httpFor(endpoint.tlsHost()).send(request, HttpResponse.BodyHandlers.ofInputStream());
    for (int hops = 0; isRedirect(response.statusCode()) && hops < MAX_REDIRECTS; hops++) {
      if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
        break;
      }
      response = redirect(endpoint, operation, request, response);
      request = response.request();
    }
    return response;
  }

  /** Follows a redirect (blob storage backends); credentials only go to the same origin. */
  private HttpResponse<InputStream> redirect(
      Endpoint endpoint,
      RegistryOperation<?> operation,
      HttpRequest request,
      HttpResponse<InputStream> response)
      throws IOException, InterruptedException {
    String location = Http.requireHeader(response, "Location", operation.action());
    response.body().close();
    URI target = response.uri().resolve(location);
    if ("http".equalsIgnoreCase(target.getScheme()) && !endpoint.plainHttp()) {
      throw new RegistryException(
          ErrorKind.PROTOCOL,
          operation.action(),
          response.statusCode(),
          "redirect to plain HTTP " + target.getScheme() + "://" + target.getAuthority(),
          null);
    }
    boolean sameOrigin =
        Objects.equals(target.getScheme(), request.uri().getScheme())
            && Objects.equals(target.getAuthority(), request.uri().getAuthority());
    HttpRequest.Builder next =
        HttpRequest.newBuilder(target)
            .method(request.method(), HttpRequest.BodyPublishers.noBody())
            .timeout(requestTimeout);
    request
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if ((sameOrigin || !name.equalsIgnoreCase("Authorization"))
                  && !name.equalsIgnoreCase(ProxySettings.AUTHORIZATION_HEADER)) {
                values.forEach(value -> next.header(name, value));
              }
            });
    return httpFor(endpoint.tlsHost())
        .send(withProxyAuthorization(next.build()), HttpResponse.BodyHandlers.ofInputStream());
  }

  /**
   * The request with the credentials of the proxy it goes through, when that proxy wants any. The
   * HTTP client sends them to the proxy only: in the {@code CONNECT} of a tunnel, or in a
   * plain-HTTP request the proxy forwards, never through a tunnel or on a direct connection.
   */
  private HttpRequest withProxyAuthorization(HttpRequest request) {
    return proxy
        .authorizationFor(request.uri())
        .map(
            value ->
                HttpRequest.newBuilder(request, (name, v) -> true)
                    .header(ProxySettings.AUTHORIZATION_HEADER, value)
                    .build())
        .orElse(request);
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private void pause(String action, Duration duration) throws RegistryException {
    try {
      backoff.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(ErrorKind.UNAVAILABLE, action, 0, "interrupted", e);
    }
  }

  /** Configures a {@link RegistryClient}. */
  public static final class Builder {
    private final Map<String, RegistryConfig> configs = new HashMap<>();
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofMinutes(2);
    private Duration readTimeout = Duration.ofMinutes(1);
    private long chunkSize = 64L * 1024 * 1024;
    private int pageSize = 100;
    private String userAgent = "nydus-autoconvert";
    private Clock clock = Clock.systemUTC();
    private Backoff.Sleeper sleeper = duration -> Thread.sleep(duration.toMillis());
    private Supplier<RegistryTls> tls = () -> RegistryTls.JVM_DEFAULT;
    private ProxySettings proxy = ProxySettings.NONE;
    private CredentialStore credentialStore = CredentialStore.NONE;

    private Builder() {}

    /** How to reach one registry; others are reached anonymously over HTTPS. */
    public Builder registry(RegistryConfig config) {
      configs.put(config.host(), config);
      return this;
    }

    public Builder registries(List<RegistryConfig> all) {
      all.forEach(this::registry);
      return this;
    }

    /**
     * Where the credentials of registries without configured ones come from (a {@link
     * DockerConfig}, say); configured credentials always win.
     */
    public Builder credentialStore(CredentialStore store) {
      this.credentialStore = Objects.requireNonNull(store);
      return this;
    }

    /**
     * {@link #credentialStore} of a Docker config file, as services configure it: none when {@code
     * fileOrNull} is null.
     *
     * @throws IOException naming the file when it cannot be read or is malformed
     */
    public Builder dockerConfig(Path fileOrNull) throws IOException {
      return fileOrNull == null ? this : credentialStore(DockerConfig.load(fileOrNull));
    }

    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy);
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    /** Time until an answer's headers arrive (a streaming body may take longer). */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    /** Longest wait for the next bytes of a blob download before it is resumed. */
    public Builder readTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("read timeout must be positive, was " + timeout);
      }
      this.readTimeout = timeout;
      return this;
    }

    /** Blobs up to this size go in one PUT; bigger ones in PATCH chunks of this size. */
    public Builder chunkSize(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("chunk size must be positive, was " + bytes);
      }
      this.chunkSize = bytes;
      return this;
    }

    /** Names asked for per page of tag and repository listings. */
    public Builder pageSize(int names) {
      if (names < 1) {
        throw new IllegalArgumentException("page size must be positive, was " + names);
      }
      this.pageSize = names;
      return this;
    }

    public Builder userAgent(String agent) {
      this.userAgent = Objects.requireNonNull(agent);
      return this;
    }

    /** The clock token lifetimes are measured with. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /** HTTP proxies (see {@link ProxySettings#fromEnvironment}); direct connections if unset. */
    public Builder proxy(ProxySettings proxy) {
      this.proxy = Objects.requireNonNull(proxy);
      return this;
    }

    /** Private CAs and client certificates (mutual TLS); the JVM's trust store alone if unset. */
    public Builder tls(RegistryTls tls) {
      Objects.requireNonNull(tls);
      return tls(() -> tls);
    }

    /**
     * TLS settings that may change while the client runs ({@link RegistryTls#watch}): asked before
     * each request, and a new answer (by identity) takes effect on new connections.
     */
    public Builder tls(Supplier<RegistryTls> tls) {
      this.tls = Objects.requireNonNull(tls);
      return this;
    }

    Builder sleeper(Backoff.Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper);
      return this;
    }

    public RegistryClient build() {
      return new RegistryClient(this);
    }
  }

  /** What to configure: TLS alerts name what the registry refused. */
  private static String tlsHint(SSLException tls) {
    String message = String.valueOf(tls.getMessage());
    if (message.contains("bad_certificate") || message.contains("certificate_required")) {
      return "the registry wants a client certificate it accepts:"
          + " put it in the registry's directory of the certs.d directory";
    }
    return "a registry with a private CA needs it trusted,"
        + " a plain-HTTP registry must be configured as such";
  }

  private static SSLException tlsCause(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SSLException tls) {
        return tls;
      }
    }
    return null;
  }
}
