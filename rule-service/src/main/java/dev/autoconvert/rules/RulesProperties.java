package dev.autoconvert.rules;

import dev.autoconvert.bearer.TokenSource;
import dev.autoconvert.contracts.JobStatus;
import dev.autoconvert.contracts.Topics;
import dev.autoconvert.service.RegistryConnectionBeans;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * rule-service configuration ({@code autoconvert.rules.*}). The API tokens are required: the
 * service refuses to start without them. {@link #toString()} never prints them.
 *
 * @param adminToken bearer token for reads and writes, or several separated by commas while one is
 *     rotated (AUTOCONVERT_RULES_ADMIN_TOKEN)
 * @param readToken bearer token for reads only, likewise (AUTOCONVERT_RULES_READ_TOKEN)
 * @param adminTokenFile a file holding the admin tokens instead (one per line), read again when it
 *     changes: rotation without a restart (AUTOCONVERT_RULES_ADMIN_TOKEN_FILE)
 * @param readTokenFile likewise for the read-only tokens (AUTOCONVERT_RULES_READ_TOKEN_FILE)
 * @param echoWait how long a push of a tag that an unfinished conversion targets waits for the
 *     worker's status naming the pushed digest, before it is treated as a push by a user
 * @param reconcile the registries the reconciler lists tags of (invariant 9)
 * @param layerCacheRepository where the workers keep their layer cache entries
 *     (AUTOCONVERT_WORKER_CACHE_REPOSITORY): pushes there are the service's own output
 * @param watchdog what happens to jobs no worker reports on (invariant 6)
 * @param pushEvents how long processed push event ids are kept for deduplication
 * @param jobs how long finished jobs are kept for the API and dashboards
 * @param topics the Kafka topics rule-service reads and writes
 * @param notifications where finished conversions are announced
 */
@Validated
@ConfigurationProperties("autoconvert.rules")
public record RulesProperties(
    String adminToken,
    String readToken,
    Path adminTokenFile,
    Path readTokenFile,
    @DefaultValue @Valid @NotNull Outbox outbox,
    @DefaultValue @Valid @NotNull Metrics metrics,
    @DefaultValue("10s") @NotNull Duration echoWait,
    @DefaultValue @Valid @NotNull Reconcile reconcile,
    @DefaultValue("autoconvert/layer-cache") @NotBlank String layerCacheRepository,
    @DefaultValue @Valid @NotNull Watchdog watchdog,
    @DefaultValue @Valid @NotNull PushEvents pushEvents,
    @DefaultValue @Valid @NotNull Jobs jobs,
    @DefaultValue @Valid @NotNull KafkaTopics topics,
    @DefaultValue @Valid @NotNull Notifications notifications) {

  /**
   * Outbound notifications: every finished job (SUCCEEDED, FAILED, SKIPPED, SUPERSEDED, CANCELLED)
   * is POSTed as JSON to each endpoint that wants its status, at least once, retried with doubling
   * pauses until delivered or too old.
   *
   * @param endpoints where notifications go; none: no notifications
   * @param pollInterval pause between looks for due deliveries
   * @param initialBackoff pause after a failed delivery, doubled after each further one
   * @param maxBackoff longest pause between attempts
   * @param maxAge a notification not delivered this long after its job finished is given up (logged
   *     and counted)
   * @param timeout per delivery
   */
  public record Notifications(
      @DefaultValue List<@Valid Endpoint> endpoints,
      @DefaultValue("1s") @NotNull Duration pollInterval,
      @DefaultValue("5s") @NotNull Duration initialBackoff,
      @DefaultValue("10m") @NotNull Duration maxBackoff,
      @DefaultValue("24h") @NotNull Duration maxAge,
      @DefaultValue("10s") @NotNull Duration timeout) {}

  /**
   * One receiver of notifications (AUTOCONVERT_RULES_NOTIFICATIONS_ENDPOINTS_0_URL and so on).
   *
   * @param name its name in metrics and logs
   * @param url http or https URL the notifications are POSTed to; only its scheme and authority are
   *     ever logged (webhook URLs often carry a secret in their path)
   * @param secret key of the {@code X-Autoconvert-Signature} HMAC-SHA256 over the body, so that the
   *     receiver can tell them from forgeries; optional, never logged
   * @param statuses the finished states it is told of; all four when empty
   */
  public record Endpoint(
      @NotBlank String name,
      @NotNull @Pattern(regexp = "https?://.+", message = "must be an http or https URL")
          String url,
      String secret,
      @DefaultValue Set<JobStatus> statuses) {
    @Override
    public String toString() {
      return "Endpoint[name="
          + name
          + ", url="
          + origin()
          + "/..., secret="
          + (secret == null ? "<none>" : "****")
          + ", statuses="
          + statuses
          + "]";
    }

    /** Scheme and authority of the URL: what logs may show. */
    public String origin() {
      URI uri = URI.create(url);
      return uri.getScheme() + "://" + uri.getRawAuthority();
    }
  }

  /**
   * Topic names, the shared ones ({@link Topics}) by default; another set keeps a test run, or a
   * second deployment on one broker, apart.
   *
   * @param pushEvents push events the listener publishes
   * @param conversionRequests requests for the workers
   * @param conversionStatus the workers' status updates
   * @param conversionCancellations cancelled jobs, for the workers
   * @param partitions partitions of the two topics rule-service creates where missing (requests and
   *     cancellations): at most this many consumer threads, over all workers, convert at once
   */
  public record KafkaTopics(
      @DefaultValue(Topics.PUSH_EVENTS) @NotBlank String pushEvents,
      @DefaultValue(Topics.CONVERSION_REQUESTS) @NotBlank String conversionRequests,
      @DefaultValue(Topics.CONVERSION_STATUS) @NotBlank String conversionStatus,
      @DefaultValue(Topics.CONVERSION_CANCELLATIONS) @NotBlank String conversionCancellations,
      @DefaultValue(Topics.DEFAULT_PARTITIONS) @Min(1) int partitions) {}

  /**
   * @param pollInterval how often the relay looks for unsent rows
   * @param batchSize rows published per transaction
   * @param sendTimeout how long the relay waits for Kafka's acknowledgement of a batch
   * @param retention how long sent rows are kept (for inspection) before they are deleted
   */
  public record Outbox(
      @DefaultValue("200ms") @NotNull Duration pollInterval,
      @DefaultValue("100") @Min(1) @Max(1000) int batchSize,
      @DefaultValue("10s") @NotNull Duration sendTimeout,
      @DefaultValue("7d") @NotNull Duration retention) {}

  /**
   * @param refreshInterval how often the job and outbox gauges are recomputed
   */
  public record Metrics(@DefaultValue("10s") @NotNull Duration refreshInterval) {}

  /**
   * @param interval pause between periodic reconciliations of every enabled rule
   * @param requestTimeout per registry request
   * @param registries registries the reconciler may list; none configured means no periodic runs
   * @param contentReadTimeout per manifest read that intake and the reconciler make to recognise
   *     Nydus images: one attempt, no retries, since intake waits for it; where it fails, the
   *     worker reads the manifest and decides
   * @param dockerConfig a Docker config file with the credentials of registries that {@code
   *     registries} gives none for; read again when it changes
   * @param caCertificates a PEM file of CA certificates to trust besides the JVM's, for registries
   *     whose certificates a private CA signed; read again when it changes
   * @param certsDirectory a directory in Docker's {@code certs.d} layout: per registry a directory
   *     named {@code host[:port]} with more CAs ({@code *.crt}) and client certificates ({@code
   *     X.cert} and {@code X.key}) for registries that ask for one; read again when anything in it
   *     changes
   */
  public record Reconcile(
      @DefaultValue("15m") @NotNull Duration interval,
      @DefaultValue("30s") @NotNull Duration requestTimeout,
      @DefaultValue List<@Valid Registry> registries,
      @DefaultValue("5s") @NotNull Duration contentReadTimeout,
      Path dockerConfig,
      Path caCertificates,
      Path certsDirectory)
      implements RegistryConnectionBeans.TlsFiles {}

  /**
   * Finds QUEUED, RUNNING and RETRYING jobs without any status update (progress included) for
   * {@code stallTimeout}, re-requests each up to {@code maxRequeues} times, then fails it STALLED.
   *
   * @param interval pause between sweeps
   * @param stallTimeout silence after which a job counts as stalled. Far above what a worker is
   *     ever silent for while alive: it reports every layer, and between attempts (RETRYING) it
   *     waits at most its retry max-backoff (1m) before reporting RUNNING. A worker busy with one
   *     request for longer than its Kafka max.poll.interval (30m) loses the partition anyway.
   * @param maxRequeues re-requests of one job before it fails; 0 fails stalled jobs at once
   */
  public record Watchdog(
      @DefaultValue("1m") @NotNull Duration interval,
      @DefaultValue("30m") @NotNull Duration stallTimeout,
      @DefaultValue("3") @Min(0) @Max(100) int maxRequeues) {}

  /**
   * The processed event ids in {@code push_events} deduplicate redeliveries (invariant 1). A copy
   * of an event can come back while the registry still resends it (hours at most, from memory) or
   * while it is in the push-events topic (Kafka keeps a topic 7 days by default), where an offset
   * reset or a consumer crash before the commit delivers it again. 14 days is twice the longer of
   * the two; a shorter retention needs a topic retention shorter than it.
   *
   * @param retention how long a processed event id is kept
   * @param purgeInterval pause between purges
   * @param purgeBatchSize rows deleted per transaction, so a large backlog never makes one huge
   *     transaction
   */
  public record PushEvents(
      @DefaultValue("14d") @NotNull Duration retention,
      @DefaultValue("1h") @NotNull Duration purgeInterval,
      @DefaultValue("1000") @Min(1) @Max(100000) int purgeBatchSize) {}

  /**
   * Finished jobs (SUCCEEDED, FAILED, SKIPPED, SUPERSEDED, CANCELLED) are history for the API and
   * dashboards; a busy registry would otherwise grow them, their transitions and their push events
   * without bound. The newest job into each target tag is kept whatever its age: intake and the
   * reconciler read it to tell a current Nydus copy from a missing or stale one.
   *
   * @param retention how long a finished job is kept after its last update; at least the push
   *     events' retention, since a job's event goes with it
   * @param purgeInterval pause between purges
   * @param purgeBatchSize jobs deleted per transaction
   */
  public record Jobs(
      @DefaultValue("90d") @NotNull Duration retention,
      @DefaultValue("1h") @NotNull Duration purgeInterval,
      @DefaultValue("1000") @Min(1) @Max(100000) int purgeBatchSize) {}

  /**
   * How to reach one registry (AUTOCONVERT_RULES_RECONCILE_REGISTRIES_0_HOST and so on).
   *
   * @param host host[:port] as push events name it
   * @param plainHttp whether it speaks plain HTTP (never a fallback from HTTPS)
   * @param username optional, with password: basic or token authentication
   */
  public record Registry(
      @NotBlank String host, boolean plainHttp, String username, String password) {
    @Override
    public String toString() {
      return "Registry[host=" + host + ", plainHttp=" + plainHttp + ", username=" + username + "]";
    }
  }

  private static final String ADMIN_TOKEN = "AUTOCONVERT_RULES_ADMIN_TOKEN";
  private static final String READ_TOKEN = "AUTOCONVERT_RULES_READ_TOKEN";

  public RulesProperties {
    // fail at start, naming the setting and why (never a token)
    TokenSource.of(adminToken, adminTokenFile, ADMIN_TOKEN);
    TokenSource.of(readToken, readTokenFile, READ_TOKEN);
  }

  /** Checked at start; files changed later are not checked again. */
  @AssertTrue(message = "the admin and the read-only tokens must share none")
  boolean isTokensDistinct() {
    return !adminTokens().current().sharesAnyWith(readTokens().current());
  }

  /** The tokens that read and write. */
  public TokenSource adminTokens() {
    return TokenSource.of(adminToken, adminTokenFile, ADMIN_TOKEN);
  }

  /** The tokens that only read. */
  public TokenSource readTokens() {
    return TokenSource.of(readToken, readTokenFile, READ_TOKEN);
  }

  /**
   * A purged job takes its push event along, and an event id that is gone no longer deduplicates a
   * redelivery (invariant 1): jobs must outlive the events' own retention.
   */
  @AssertTrue(message = "jobs.retention must not be shorter than push-events.retention")
  boolean isJobRetentionCoveringEvents() {
    return jobs == null
        || pushEvents == null
        || jobs.retention().compareTo(pushEvents.retention()) >= 0;
  }

  @Override
  public String toString() {
    return "RulesProperties[adminToken=****, readToken=****, adminTokenFile="
        + adminTokenFile
        + ", readTokenFile="
        + readTokenFile
        + ", outbox="
        + outbox
        + ", metrics="
        + metrics
        + ", echoWait="
        + echoWait
        + ", reconcile="
        + reconcile
        + ", layerCacheRepository="
        + layerCacheRepository
        + ", watchdog="
        + watchdog
        + ", pushEvents="
        + pushEvents
        + ", jobs="
        + jobs
        + ", topics="
        + topics
        + ", notifications="
        + notifications
        + "]";
  }
}
