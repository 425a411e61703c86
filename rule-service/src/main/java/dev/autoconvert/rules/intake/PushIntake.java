package dev.autoconvert.rules.intake;

import dev.autoconvert.contracts.PushEvent;
import dev.autoconvert.rules.MalformedEventException;
import dev.autoconvert.rules.RulesProperties;
import dev.autoconvert.rules.job.JobSpec;
import dev.autoconvert.rules.job.Jobs;
import dev.autoconvert.rules.job.ProducedDigests;
import dev.autoconvert.rules.job.Trigger;
import dev.autoconvert.rules.rule.Rule;
import dev.autoconvert.rules.rule.RuleCatalog;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Turns a push event into jobs. One transaction records the processed event id, a job per matching
 * rule and each job's conversion request in the outbox (invariants 1 and 2), so a redelivered event
 * finds its id and changes nothing.
 */
@Service
class PushIntake {
  /** What became of an event. */
  enum Outcome {
    /** jobs were opened for the matching rules */
    MATCHED,
    /** no enabled rule matches */
    UNMATCHED,
    /** a manifest this service pushed, or a worker's layer cache entry (invariant 5) */
    OWN_OUTPUT,
    /** rules match, but the manifest already is a Nydus image, by whatever tool (invariant 5) */
    NYDUS_IMAGE,
    /** rules match, but the targets' newest conversions already convert this content */
    SAME_CONTENT,
    /** this event id was processed before */
    DUPLICATE
  }

  record Accepted(Outcome outcome, List<Rule> rules) {}

  private final JdbcClient jdbc;
  private final Jobs jobs;
  private final ProducedDigests produced;
  private final RuleCatalog catalog;
  private final String layerCacheRepository;

  PushIntake(
      JdbcClient jdbc,
      Jobs jobs,
      ProducedDigests produced,
      RuleCatalog catalog,
      RulesProperties properties) {
    this.jdbc = jdbc;
    this.jobs = jobs;
    this.produced = produced;
    this.catalog = catalog;
    this.layerCacheRepository = properties.layerCacheRepository();
  }

  /**
   * @param nydusImage what {@link ContentCheck} read in the registry: the manifest already is a
   *     Nydus image
   */
  @Transactional
  public Accepted accept(PushEvent event, boolean nydusImage) {
    if (seen(event.eventId())) {
      return new Accepted(Outcome.DUPLICATE, List.of());
    }
    // Cache entries are tagged artifacts the workers push for each other; they are never images
    // to convert, whatever a broad rule says.
    if (event.repository().equals(layerCacheRepository)
        || produced.isOurs(event.registry(), event.digest())) {
      record(event, jobs.nextSequence(), Outcome.OWN_OUTPUT);
      return new Accepted(Outcome.OWN_OUTPUT, List.of());
    }
    List<Rule> matching = catalog.matching(event.registry(), event.repository(), event.tag());
    if (nydusImage && !matching.isEmpty()) {
      record(event, jobs.nextSequence(), Outcome.NYDUS_IMAGE);
      return new Accepted(Outcome.NYDUS_IMAGE, List.of());
    }
    // The same push reported twice (two webhooks, a resent notification with a new id): the
    // target's newest conversion already converts this content. A push of other content and then
    // this one again, or a push after a failed conversion, converts again.
    List<Rule> matched = matching.stream().filter(rule -> !alreadyConverting(event, rule)).toList();
    Outcome outcome =
        !matched.isEmpty()
            ? Outcome.MATCHED
            : matching.isEmpty() ? Outcome.UNMATCHED : Outcome.SAME_CONTENT;
    long sequence = jobs.nextSequence();
    record(event, sequence, outcome);
    for (Rule rule : matched) {
      jobs.open(
          new JobSpec(
              rule.getId(),
              Trigger.PUSH,
              event.eventId(),
              null,
              sequence,
              event.registry(),
              event.repository(),
              event.tag(),
              event.digest(),
              rule.targetRepositoryFor(event.repository()),
              rule.getTagSuffix(),
              rule.getOptions(),
              event.pushedAt()));
    }
    return new Accepted(outcome, matched);
  }

  private boolean alreadyConverting(PushEvent event, Rule rule) {
    String targetRepository = rule.targetRepositoryFor(event.repository());
    String targetTag = event.tag() + rule.getTagSuffix();
    jobs.lockTarget(event.registry(), targetRepository, targetTag);
    return jobs.newestIntoTarget(event.registry(), targetRepository, targetTag)
        .filter(newest -> newest.coversOrWillCover(event.digest()))
        .isPresent();
  }

  /** Whether this event id was processed before (a redelivery changes nothing). */
  boolean seen(String eventId) {
    return jdbc.sql("SELECT count(*) FROM push_events WHERE event_id = ?")
            .param(eventId)
            .query(Long.class)
            .single()
        > 0;
  }

  private void record(PushEvent event, long sequence, Outcome outcome) {
    jdbc.sql(
            "INSERT INTO push_events (event_id, sequence, registry, repository, tag, digest,"
                + " outcome, pushed_at, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            event.eventId(),
            sequence,
            event.registry(),
            event.repository(),
            event.tag(),
            event.digest(),
            outcome.name(),
            event.pushedAt() == null ? null : Timestamp.from(event.pushedAt()),
            Timestamp.from(Instant.now()))
        .update();
  }

  /**
   * Rejects events missing a field intake depends on, or with one longer than its column, naming
   * it: such an event could never be stored, and retrying it would block its partition for good.
   */
  static PushEvent checked(PushEvent event) {
    if (event == null) {
      throw new MalformedEventException("push event is JSON null", null);
    }
    require(event.eventId(), "eventId", 255);
    require(event.registry(), "registry", 255);
    require(event.repository(), "repository", 255);
    require(event.tag(), "tag", 255);
    require(event.digest(), "digest", 256);
    return event;
  }

  private static void require(String value, String field, int maxLength) {
    if (value == null || value.isBlank()) {
      throw new MalformedEventException("push event without " + field, null);
    }
    if (value.length() > maxLength) {
      throw new MalformedEventException(
          "push event " + field + " is " + value.length() + " characters, over " + maxLength, null);
    }
  }
}
