package dev.autoconvert.rules.reconcile;

import dev.autoconvert.contracts.JobStatus;
import dev.autoconvert.oci.ImageReference;
import dev.autoconvert.oci.RegistryException;
import dev.autoconvert.oci.manifest.Descriptor;
import dev.autoconvert.oci.registry.RegistryClient;
import dev.autoconvert.rules.job.ConversionJob;
import dev.autoconvert.rules.job.JobSpec;
import dev.autoconvert.rules.job.Jobs;
import dev.autoconvert.rules.job.ProducedDigests;
import dev.autoconvert.rules.job.Trigger;
import dev.autoconvert.rules.matching.PatternSyntax;
import dev.autoconvert.rules.matching.RuleMatcher;
import dev.autoconvert.rules.registry.Registries;
import dev.autoconvert.rules.rule.Rule;
import dev.autoconvert.rules.rule.RuleCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Invariant 9: registries keep undelivered notifications in memory only, so a push event can be
 * lost. The reconciler lists the tags a rule matches and opens a job for every tag whose Nydus copy
 * is missing or was made from other content, unless a conversion of that content is running or
 * failed (a failure waits for an operator's retry rather than repeating every period), or unless
 * the tag already shows a Nydus image (invariant 5, by content, whoever made it). The same run
 * backfills a new rule.
 *
 * <p>A copy counts as current only while the target tag shows the very manifest the newest
 * successful conversion pushed. Registries cannot move a tag conditionally, so an older conversion
 * that passed its last push-order check just before a newer one pushed can still move the tag back
 * (invariant 3's remaining window, with two workers on one target); so can a person. The next run
 * converts the tag again, from the layer cache, under a newer sequence.
 */
@Service
public class Reconciler {
  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  private final RuleCatalog rules;
  private final Jobs jobs;
  private final ProducedDigests produced;
  private final TransactionTemplate tx;
  private final Registries registries;
  private final RegistryClient client;

  Reconciler(
      RuleCatalog rules,
      Jobs jobs,
      ProducedDigests produced,
      TransactionTemplate tx,
      Registries registries) {
    this.rules = rules;
    this.jobs = jobs;
    this.produced = produced;
    this.tx = tx;
    this.registries = registries;
    this.client = registries.client();
  }

  /**
   * What one reconciliation found and did; a dry run opens nothing and lists in {@code wouldOpen}
   * the jobs it would have opened.
   */
  public record Report(
      UUID ruleId,
      String rule,
      boolean dryRun,
      int repositories,
      int tagsMatched,
      int upToDate,
      int inProgress,
      int awaitingRetry,
      int ownOutput,
      int nydusImages,
      List<Opened> opened,
      List<Candidate> wouldOpen,
      List<String> errors) {}

  /** A tag a dry run found to convert. */
  public record Candidate(
      String registry, String repository, String tag, String sourceDigest, String targetTag) {}

  /** A job the reconciler opened. */
  public record Opened(
      UUID jobId,
      String registry,
      String repository,
      String tag,
      String targetTag,
      JobStatus status) {}

  @Scheduled(
      fixedDelayString = "${autoconvert.rules.reconcile.interval:15m}",
      initialDelayString = "${autoconvert.rules.reconcile.interval:15m}")
  void reconcileEnabledRules() {
    if (registries.hosts().isEmpty()) {
      return;
    }
    for (Rule rule : rules.enabled()) {
      Report report = reconcile(rule, false);
      if (!report.opened().isEmpty() || !report.errors().isEmpty()) {
        log.info(
            "reconciled rule '{}': {} tags, {} jobs opened, errors {}",
            rule.getName(),
            report.tagsMatched(),
            report.opened().size(),
            report.errors());
      }
    }
  }

  public Report reconcile(Rule rule, boolean dryRun) {
    Tally tally = new Tally(dryRun);
    RuleMatcher matcher = rule.matcher();
    List<String> hosts =
        rule.getRegistry() == null ? registries.hosts() : List.of(rule.getRegistry());
    if (hosts.isEmpty()) {
      tally.errors.add(
          "no registry to reconcile: configure autoconvert.rules.reconcile.registries");
    }
    for (String host : hosts) {
      if (!registries.isConfigured(host)) {
        tally.errors.add(
            "registry " + host + " is not configured in autoconvert.rules.reconcile.registries");
        continue;
      }
      try {
        for (String repository : repositories(rule, matcher, host)) {
          tally.repositories++;
          reconcileRepository(rule, matcher, host, repository, tally);
        }
      } catch (RegistryException | IllegalArgumentException e) {
        tally.errors.add(e.getMessage());
      }
    }
    return new Report(
        rule.getId(),
        rule.getName(),
        dryRun,
        tally.repositories,
        tally.tagsMatched,
        tally.upToDate,
        tally.inProgress,
        tally.awaitingRetry,
        tally.ownOutput,
        tally.nydusImages,
        List.copyOf(tally.opened),
        List.copyOf(tally.wouldOpen),
        List.copyOf(tally.errors));
  }

  private static final class Tally {
    final boolean dryRun;
    int repositories;
    int tagsMatched;
    int upToDate;
    int inProgress;
    int awaitingRetry;
    int ownOutput;
    int nydusImages;
    final List<Opened> opened = new ArrayList<>();
    final List<Candidate> wouldOpen = new ArrayList<>();
    final List<String> errors = new ArrayList<>();

    Tally(boolean dryRun) {
      this.dryRun = dryRun;
    }
  }

  /** An exact glob names its one repository; anything else needs the catalog. */
  private List<String> repositories(Rule rule, RuleMatcher matcher, String host)
      throws RegistryException {
    String pattern = rule.getRepositoryPattern();
    if (pattern != null
        && rule.getPatternSyntax() == PatternSyntax.GLOB
        && pattern.chars().noneMatch(c -> "*?{}\\".indexOf(c) >= 0)) {
      return List.of(pattern);
    }
    return client.listRepositories(host).stream()
        .filter(repository -> matcher.matchesRepository(repository))
        .toList();
  }

  private void reconcileRepository(
      Rule rule, RuleMatcher matcher, String host, String repository, Tally tally)
      throws RegistryException {
    ImageReference any = ImageReference.of(host, repository, "latest");
    Map<String, String> digests = new LinkedHashMap<>();
    for (String tag : client.listTags(any)) {
      if (matcher.matches(host, repository, tag)) {
        client
            .checkManifest(any.withTag(tag))
            .ifPresent(manifest -> digests.put(tag, manifest.digest().toString()));
      }
    }
    String targetRepository = rule.targetRepositoryFor(repository);
    for (Map.Entry<String, String> tagged : digests.entrySet()) {
      String tag = tagged.getKey();
      String digest = tagged.getValue();
      tally.tagsMatched++;
      if (produced.isOurs(host, digest)) {
        tally.ownOutput++;
        continue;
      }
      String targetTag = tag + rule.getTagSuffix();
      Optional<Jobs.TargetConversion> newest =
          jobs.newestIntoTarget(host, targetRepository, targetTag)
              .filter(conversion -> digest.equals(conversion.sourceDigest()));
      if (newest.isPresent() && !newest.get().status().terminal()) {
        tally.inProgress++;
        continue;
      }
      if (newest.isPresent() && newest.get().status() != JobStatus.SUCCEEDED) {
        tally
            .awaitingRetry++; // FAILED, SKIPPED or CANCELLED: an operator's retry, not every period
        continue;
      }
      if (newest.isPresent() && showsOutputOf(newest.get(), host, targetRepository, targetTag)) {
        tally.upToDate++; // the copy of this very content is still there
        continue;
      }
      if (registries
          .manifest(host, repository, digest)
          .filter(manifest -> registries.isNydusImage(host, repository, manifest))
          .isPresent()) {
        tally.nydusImages++;
        continue;
      }
      if (tally.dryRun) {
        tally.wouldOpen.add(new Candidate(host, repository, tag, digest, targetTag));
        continue;
      }
      ConversionJob job =
          tx.execute(
              status -> {
                // intake or another instance may have opened one since the check above
                jobs.lockTarget(host, targetRepository, targetTag);
                if (jobs.newestIntoTarget(host, targetRepository, targetTag)
                    .filter(conversion -> conversion.isConverting(digest))
                    .isPresent()) {
                  return null;
                }
                return jobs.open(
                    new JobSpec(
                        rule.getId(),
                        Trigger.RECONCILE,
                        null,
                        null,
                        jobs.nextSequence(),
                        host,
                        repository,
                        tag,
                        digest,
                        targetRepository,
                        rule.getTagSuffix(),
                        rule.getOptions(),
                        null));
              });
      if (job == null) {
        tally.inProgress++;
        continue;
      }
      tally.opened.add(
          new Opened(job.getId(), host, repository, tag, job.getTargetTag(), job.getStatus()));
    }
  }

  /** Whether the target tag shows the manifest {@code conversion} pushed (any, if unrecorded). */
  private boolean showsOutputOf(
      Jobs.TargetConversion conversion, String host, String repository, String tag)
      throws RegistryException {
    Optional<Descriptor> target = client.checkManifest(ImageReference.of(host, repository, tag));
    if (target.isEmpty()) {
      return false;
    }
    String shown = target.get().digest().toString();
    if (conversion.targetDigest() != null && !conversion.targetDigest().equals(shown)) {
      log.warn(
          "{}/{}:{} shows {}, not {} that the newest conversion pushed: converting again",
          host,
          repository,
          tag,
          shown,
          conversion.targetDigest());
      return false;
    }
    return true;
  }
}
