package dev.autoconvert.worker;

import dev.autoconvert.contracts.Topics;
import dev.autoconvert.service.RegistryConnectionBeans;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The worker's whole configuration ({@code autoconvert.worker.*}; environment variables such as
 * {@code AUTOCONVERT_WORKER_REGISTRIES_0_HOST}, {@code AUTOCONVERT_WORKER_CONCURRENCY}, {@code
 * AUTOCONVERT_WORKER_SCRATCH_DIR}, {@code AUTOCONVERT_WORKER_ID}).
 *
 * @param registries the registries this worker may pull from and push to, with their credentials
 * @param concurrency conversions at once in this process (Kafka consumer threads)
 * @param scratchDir where layers are staged between conversion and upload
 * @param maxScratch how much scratch disk all running conversions may use together
 * @param retry how transient failures are retried inside one delivery of a request
 * @param id this worker's name in status updates; defaults to the JVM's {@code pid@host}
 * @param cacheRepository repository (in each registry) holding the fleet-wide layer cache entries
 * @param requestsTopic topic the requests come from
 * @param statusTopic topic the status updates go to
 * @param statusTopicPartitions partitions of the status topic, where the worker creates it
 * @param cancellationsTopic topic of the jobs operators cancelled, which every worker reads whole
 * @param dockerConfig a Docker config file ({@code config.json}, or a mounted {@code
 *     dockerconfigjson} secret) with the credentials of registries that {@code registries} gives
 *     none for; read again when it changes
 * @param caCertificates a PEM file of CA certificates to trust besides the JVM's, for registries
 *     whose certificates a private CA signed; read again when it changes
 * @param certsDirectory a directory in Docker's {@code certs.d} layout: per registry a directory
 *     named {@code host[:port]} with more CAs ({@code *.crt}) and client certificates ({@code
 *     X.cert} and {@code X.key}) for registries that ask for one; read again when anything in it
 *     changes
 */
@Validated
@ConfigurationProperties("autoconvert.worker")
public record WorkerProperties(
    @NotEmpty List<@Valid Registry> registries,
    @Min(1) @DefaultValue("2") int concurrency,
    @NotNull Path scratchDir,
    @NotNull @DefaultValue("8GB") DataSize maxScratch,
    @NotNull @Valid @DefaultValue Retry retry,
    String id,
    @NotBlank @DefaultValue("autoconvert/layer-cache") String cacheRepository,
    @NotBlank @DefaultValue(Topics.CONVERSION_REQUESTS) String requestsTopic,
    @NotBlank @DefaultValue(Topics.CONVERSION_STATUS) String statusTopic,
    @Min(1) @DefaultValue(Topics.DEFAULT_PARTITIONS) int statusTopicPartitions,
    @NotBlank @DefaultValue(Topics.CONVERSION_CANCELLATIONS) String cancellationsTopic,
    Path dockerConfig,
    Path caCertificates,
    Path certsDirectory)
    implements RegistryConnectionBeans.TlsFiles {

  public WorkerProperties {
    registries = registries == null ? List.of() : List.copyOf(registries);
    if (scratchDir == null) {
      scratchDir = Path.of(System.getProperty("java.io.tmpdir"), "autoconvert-worker");
    }
    if (id == null || id.isBlank()) {
      id = ManagementFactory.getRuntimeMXBean().getName();
    }
  }

  /** The configuration of registry {@code host} ({@code host[:port]}), if this worker knows it. */
  public Optional<Registry> registry(String host) {
    return registries.stream().filter(r -> r.host().equalsIgnoreCase(host)).findFirst();
  }

  /**
   * One registry.
   *
   * @param host {@code host[:port]} as in {@code ConversionRequest.registry}
   * @param plainHttp talk HTTP instead of HTTPS; never a fallback
   * @param username basic / token-service user, optional
   * @param password never logged and never part of {@link #toString()}
   */
  public record Registry(
      @NotBlank String host, boolean plainHttp, String username, String password) {

    @Override
    public String toString() {
      return "Registry[host=%s, plainHttp=%s, username=%s, password=%s]"
          .formatted(host, plainHttp, username, password == null ? "<none>" : "<hidden>");
    }
  }

  /**
   * Retries of transient failures (registry unavailable, digest mismatch, scratch space) within one
   * delivery: attempt n waits {@code initialBackoff * 2^(n-1)}, at most {@code maxBackoff}.
   *
   * @param maxAttempts attempts in all, the first included
   * @param initialBackoff the wait after the first failure
   * @param maxBackoff the longest wait between attempts
   */
  public record Retry(
      @Min(1) @DefaultValue("5") int maxAttempts,
      @NotNull @DefaultValue("2s") Duration initialBackoff,
      @NotNull @DefaultValue("1m") Duration maxBackoff) {

    public Duration backoffAfter(int failedAttempt) {
      long factor = 1L << Math.min(failedAttempt - 1, 20);
      Duration wait = initialBackoff.multipliedBy(factor);
      return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }
  }
}
