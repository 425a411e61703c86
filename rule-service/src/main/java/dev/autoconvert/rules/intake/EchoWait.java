package dev.autoconvert.rules.intake;

import dev.autoconvert.contracts.PushEvent;
import dev.autoconvert.rules.RulesProperties;
import dev.autoconvert.rules.job.ProducedDigests;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * Closes a race of invariant 5: a worker reports the target digest on {@code conversion.status}
 * before it pushes the tag, but the echo of that push travels another path (registry webhook,
 * listener, {@code registry.push-events}) and may be read first. When a push hits the target tag of
 * an unfinished conversion, intake waits a bounded time for the digest record. The decision stays
 * by content: a user's push of that tag has another digest and is converted after the wait.
 */
@Component
class EchoWait {
  private static final Duration POLL = Duration.ofMillis(100);

  private final ProducedDigests produced;
  private final Duration limit;

  EchoWait(ProducedDigests produced, RulesProperties properties) {
    this.produced = produced;
    this.limit = properties.echoWait();
  }

  /** Waits while {@code event} may be our own output not yet recorded as such. */
  void awaitIfPossiblyOurs(PushEvent event) throws InterruptedException {
    if (!produced.isActiveTarget(event.registry(), event.repository(), event.tag())) {
      return;
    }
    long deadline = System.nanoTime() + limit.toNanos();
    while (!produced.isOurs(event.registry(), event.digest()) && System.nanoTime() < deadline) {
      Thread.sleep(POLL.toMillis());
    }
  }
}
