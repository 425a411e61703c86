package dev.autoconvert.rules.job;

import dev.autoconvert.contracts.ConversionOptions;
import dev.autoconvert.contracts.JobStatus;
import dev.autoconvert.rules.api.Problems;
import dev.autoconvert.rules.rule.Rule;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Jobs an operator asks for: a manual conversion, or retries of failed jobs. */
@Service
class ManualConversions {
  private final Jobs jobs;
  private final JobRepository repository;

  ManualConversions(Jobs jobs, JobRepository repository) {
    this.jobs = jobs;
    this.repository = repository;
  }

  /**
   * Opens a job for {@code source}; settings come from {@code rule} (may be null) unless given
   * explicitly. A manual conversion is a new push in push order: it gets its own sequence.
   */
  @Transactional
  ConversionJob convert(ManualConversionRequest request, SourceReference source, Rule rule) {
    String suffix =
        request.tagSuffix() != null
            ? request.tagSuffix()
            : rule != null ? rule.getTagSuffix() : TagLimit.DEFAULT_SUFFIX;
    String targetRepository =
        request.targetRepository() != null
            ? request.targetRepository()
            : rule != null ? rule.targetRepositoryFor(source.repository()) : source.repository();
    ConversionOptions options =
        request.options() != null
            ? request.options().toOptions()
            : rule != null ? rule.getOptions() : ConversionOptions.defaults();
    return jobs.open(
        new JobSpec(
            rule == null ? null : rule.getId(),
            Trigger.MANUAL,
            null,
            null,
            jobs.nextSequence(),
            source.registry(),
            source.repository(),
            source.tag(),
            source.digest(),
            targetRepository,
            suffix,
            options,
            null));
  }

  /**
   * Opens a new job repeating a FAILED or CANCELLED one with the same source, target and options.
   * It keeps the failed job's sequence: a newer push of the tag still wins over it (invariant 3).
   */
  @Transactional
  ConversionJob retry(UUID id) {
    ConversionJob failed =
        repository.findById(id).orElseThrow(() -> Problems.notFound("no conversion with id " + id));
    if (failed.getStatus() != JobStatus.FAILED && failed.getStatus() != JobStatus.CANCELLED) {
      throw Problems.conflict(
          "conversion "
              + id
              + " is "
              + failed.getStatus()
              + "; only FAILED and CANCELLED conversions are retried");
    }
    return jobs.open(retryOf(failed));
  }

  /**
   * What a bulk retry did: the new jobs, or in a dry run the failed jobs it would repeat; {@code
   * more} when the limit left some out.
   */
  record BulkRetry(
      boolean dryRun,
      List<ConversionView> retried,
      List<ConversionView> wouldRetry,
      boolean more) {}

  /**
   * Retries, as {@link #retry} does one by one, up to {@code limit} FAILED jobs that are still the
   * newest conversion into their target, oldest first: what is left broken after an outage, each
   * target once.
   */
  @Transactional
  BulkRetry retryFailed(Jobs.FailedFilter filter, boolean dryRun, int limit) {
    List<UUID> ids = jobs.lockFailedNewest(filter, limit + 1);
    boolean more = ids.size() > limit;
    List<ConversionJob> failed =
        repository.findAllById(ids.subList(0, Math.min(limit, ids.size()))).stream()
            .sorted(Comparator.comparing(ConversionJob::getCreatedAt))
            .toList();
    if (dryRun) {
      return new BulkRetry(true, List.of(), failed.stream().map(ConversionView::of).toList(), more);
    }
    List<ConversionView> retried =
        failed.stream().map(f -> ConversionView.of(jobs.open(retryOf(f)))).toList();
    return new BulkRetry(false, retried, List.of(), more);
  }

  private static JobSpec retryOf(ConversionJob failed) {
    return new JobSpec(
        failed.getRuleId(),
        Trigger.RETRY,
        null,
        failed.getId(),
        failed.getSequence(),
        failed.getRegistry(),
        failed.getSourceRepository(),
        failed.getSourceTag(),
        failed.getSourceDigest(),
        failed.getTargetRepository(),
        failed.getTargetTag().substring(failed.getSourceTag().length()),
        failed.getOptions(),
        null);
  }
}
