package dev.autoconvert.rules.intake;

import dev.autoconvert.contracts.OutputAnnotations;
import dev.autoconvert.contracts.PushEvent;
import dev.autoconvert.oci.Digest;
import dev.autoconvert.oci.ImageReference;
import dev.autoconvert.oci.RegistryException;
import dev.autoconvert.rules.RulesProperties;
import dev.autoconvert.rules.job.ProducedDigests;
import dev.autoconvert.rules.registry.Registries;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Closes a race of invariant 5: a worker reports the target digest on {@code conversion.status}
 * before it pushes the tag, but the echo of that push travels another path (registry webhook,
 * listener, {@code registry.push-events}) and may be read first. When a push hits the target tag of
 * an unfinished conversion, intake waits a bounded time for the digest record. The decision stays
 * by content: a user's push of that tag has another digest and is converted after the wait.
 *
 * <p>When the wait runs out (status updates read late, say, under a backlog), the manifest itself
 * decides, where the registry is one rule-service reads: the workers sign every manifest and index
 * they push ({@link OutputAnnotations#SEQUENCE}), so a signed one is recorded as our own output.
 */
@Component
class EchoWait {
  private static final Logger log = LoggerFactory.getLogger(EchoWait.class);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final ProducedDigests produced;
  private final Registries registries;
  private final Duration limit;

  EchoWait(ProducedDigests produced, Registries registries, RulesProperties properties) {
    this.produced = produced;
    this.registries = registries;
    this.limit = properties.echoWait();
  }

  /** Waits while {@code event} may be our own output not yet recorded as such. */
  void awaitIfPossiblyOurs(PushEvent event) throws InterruptedException {
    Optional<UUID> active =
        produced.activeConversionInto(event.registry(), event.repository(), event.tag());
    if (active.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + limit.toNanos();
    boolean recorded;
    while (!(recorded = produced.isOurs(event.registry(), event.digest()))
        && System.nanoTime() < deadline) {
      Thread.sleep(POLL.toMillis());
    }
    if (!recorded && signedByWorker(event)) {
      log.info(
          "{}/{}:{} {} carries the workers' signature: recorded as the output of job {}",
          event.registry(),
          event.repository(),
          event.tag(),
          event.digest(),
          active.get());
      produced.record(event.registry(), event.digest(), event.repository(), active.get());
    }
  }

  private boolean signedByWorker(PushEvent event) {
    if (!registries.isConfigured(event.registry())) {
      return false;
    }
    try {
      byte[] manifest =
          registries
              .client()
              .pullManifest(
                  ImageReference.of(event.registry(), event.repository(), event.tag())
                      .withDigest(Digest.parse(event.digest())))
              .bytes();
      JsonNode annotations = JSON.readTree(manifest).path("annotations");
      return annotations.path(OutputAnnotations.SEQUENCE).isString();
    } catch (RegistryException | JacksonException | IllegalArgumentException e) {
      // unreadable: treated as a user's push, which converts (the worker skips a Nydus image)
      log.warn("could not read {} to check its signature: {}", event.digest(), e.getMessage());
      return false;
    }
  }
}
