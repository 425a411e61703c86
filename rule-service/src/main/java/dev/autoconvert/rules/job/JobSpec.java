package dev.autoconvert.rules.job;

import dev.autoconvert.contracts.ConversionOptions;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Everything needed to open a job.
 *
 * @param ruleId the rule whose options apply; null for a manual conversion with explicit options
 * @param pushEventId the push event that triggered it; null unless {@link Trigger#PUSH}
 * @param retryOf the job this one retries; null unless {@link Trigger#RETRY}
 * @param sequence push order (ConversionRequest.sequence)
 * @param sourceDigest may be null for a manual conversion by tag: the worker resolves the tag
 */
public record JobSpec(
    UUID ruleId,
    Trigger trigger,
    String pushEventId,
    UUID retryOf,
    long sequence,
    String registry,
    String sourceRepository,
    String sourceTag,
    String sourceDigest,
    String targetRepository,
    String tagSuffix,
    ConversionOptions options,
    Instant pushedAt) {

  public JobSpec {
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(sourceRepository, "sourceRepository");
    Objects.requireNonNull(sourceTag, "sourceTag");
    Objects.requireNonNull(targetRepository, "targetRepository");
    Objects.requireNonNull(tagSuffix, "tagSuffix");
    Objects.requireNonNull(options, "options");
  }

  public String targetTag() {
    return sourceTag + tagSuffix;
  }
}
