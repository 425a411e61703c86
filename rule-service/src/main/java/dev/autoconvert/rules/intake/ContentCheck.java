package dev.autoconvert.rules.intake;

import dev.autoconvert.contracts.OutputAnnotations;
import dev.autoconvert.contracts.PushEvent;
import dev.autoconvert.imagespec.ManifestException;
import dev.autoconvert.imagespec.SpecJson;
import dev.autoconvert.oci.manifest.RawManifest;
import dev.autoconvert.rules.RulesProperties;
import dev.autoconvert.rules.job.ProducedDigests;
import dev.autoconvert.rules.registry.Registries;
import dev.autoconvert.rules.rule.RuleCatalog;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Invariant 5 by content, before intake's transaction (registry reads do not belong inside it).
 *
 * <p>Echo-wait: a worker reports the target digest on {@code conversion.status} before it pushes
 * the tag, but the echo of that push travels another path (registry webhook, listener, {@code
 * registry.push-events}) and may be read first. When a push hits the target tag of an unfinished
 * conversion, this waits a bounded time for the digest record. A user's push of that tag has
 * another digest and is converted after the wait.
 *
 * <p>When the wait runs out (status updates read late, say, under a backlog), or when rules match a
 * push, the manifest itself decides, where the registry is one rule-service reads: the workers sign
 * every manifest and index they push ({@link OutputAnnotations#SEQUENCE}), so a signed one is
 * recorded as the active conversion's output; and any Nydus image, whoever made it, is not
 * converted again.
 */
@Component
class ContentCheck {
  private static final Logger log = LoggerFactory.getLogger(ContentCheck.class);
  private static final Duration POLL = Duration.ofMillis(100);

  private final ProducedDigests produced;
  private final Registries registries;
  private final RuleCatalog catalog;
  private final Duration limit;

  ContentCheck(
      ProducedDigests produced,
      Registries registries,
      RuleCatalog catalog,
      RulesProperties properties) {
    this.produced = produced;
    this.registries = registries;
    this.catalog = catalog;
    this.limit = properties.echoWait();
  }

  /**
   * Waits while {@code event} may be our own output not yet recorded as such, records it if its
   * manifest says so, and tells whether it is a Nydus image that intake must not convert.
   */
  boolean isNydusImage(PushEvent event) throws InterruptedException {
    Optional<UUID> active =
        produced.activeConversionInto(event.registry(), event.repository(), event.tag());
    if (active.isPresent() && awaitRecord(event)) {
      return false; // intake finds the record
    }
    if (active.isEmpty()
        && (produced.isOurs(event.registry(), event.digest())
            || catalog.matching(event.registry(), event.repository(), event.tag()).isEmpty())) {
      return false; // nothing would convert it: no need to read the registry
    }
    Optional<RawManifest> manifest =
        registries.manifest(event.registry(), event.repository(), event.digest());
    if (manifest.isEmpty()) {
      return false; // the worker reads it and skips a Nydus image
    }
    if (active.isPresent() && signedByWorker(manifest.get())) {
      log.info(
          "{}/{}:{} {} carries the workers' signature: recorded as the output of job {}",
          event.registry(),
          event.repository(),
          event.tag(),
          event.digest(),
          active.get());
      produced.record(event.registry(), event.digest(), event.repository(), active.get());
      return false;
    }
    return registries.isNydusImage(event.registry(), event.repository(), manifest.get());
  }

  /** Polls for the digest record of {@code event} until the echo-wait limit. */
  private boolean awaitRecord(PushEvent event) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!produced.isOurs(event.registry(), event.digest())) {
      if (System.nanoTime() >= deadline) {
        return false;
      }
      Thread.sleep(POLL.toMillis());
    }
    return true;
  }

  private static boolean signedByWorker(RawManifest manifest) {
    try {
      return SpecJson.object(manifest.bytes(), "manifest")
          .path("annotations")
          .path(OutputAnnotations.SEQUENCE)
          .isString();
    } catch (ManifestException e) {
      return false;
    }
  }
}
