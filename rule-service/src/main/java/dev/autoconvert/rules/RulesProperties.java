package dev.autoconvert.rules;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * rule-service configuration ({@code autoconvert.rules.*}). The API tokens are required: the
 * service refuses to start without them. {@link #toString()} never prints them.
 *
 * @param adminToken bearer token for reads and writes (AUTOCONVERT_RULES_ADMIN_TOKEN)
 * @param readToken bearer token for reads only (AUTOCONVERT_RULES_READ_TOKEN)
 * @param echoWait how long a push of a tag that an unfinished conversion targets waits for the
 *     worker's status naming the pushed digest, before it is treated as a push by a user
 * @param reconcile the registries the reconciler lists tags of (invariant 9)
 * @param layerCacheRepository where the workers keep their layer cache entries
 *     (AUTOCONVERT_WORKER_CACHE_REPOSITORY): pushes there are the service's own output
 */
@Validated
@ConfigurationProperties("autoconvert.rules")
public record RulesProperties(
    @NotBlank(message = "must be set (AUTOCONVERT_RULES_ADMIN_TOKEN)") String adminToken,
    @NotBlank(message = "must be set (AUTOCONVERT_RULES_READ_TOKEN)") String readToken,
    @DefaultValue @Valid @NotNull Outbox outbox,
    @DefaultValue @Valid @NotNull Metrics metrics,
    @DefaultValue("10s") @NotNull Duration echoWait,
    @DefaultValue @Valid @NotNull Reconcile reconcile,
    @DefaultValue("autoconvert/layer-cache") @NotBlank String layerCacheRepository) {

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
   */
  public record Reconcile(
      @DefaultValue("15m") @NotNull Duration interval,
      @DefaultValue("30s") @NotNull Duration requestTimeout,
      @DefaultValue List<@Valid Registry> registries) {}

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

  @AssertTrue(message = "the admin and the read-only token must differ")
  boolean isTokensDistinct() {
    return adminToken == null || !adminToken.equals(readToken);
  }

  @Override
  public String toString() {
    return "RulesProperties[adminToken=****, readToken=****, outbox="
        + outbox
        + ", metrics="
        + metrics
        + ", echoWait="
        + echoWait
        + ", reconcile="
        + reconcile
        + ", layerCacheRepository="
        + layerCacheRepository
        + "]";
  }
}
