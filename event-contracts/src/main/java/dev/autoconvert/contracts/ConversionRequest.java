package dev.autoconvert.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * Asks a worker to convert one source image into its Nydus copy.
 *
 * @param jobId the job in rule-service
 * @param attempt 1 for the first try, incremented by retries
 * @param sequence increases with every push rule-service accepts: a conversion may only move the
 *     target tag when no conversion of a higher sequence already did (DESIGN.md invariant 3)
 * @param registry registry host[:port]
 * @param sourceRepository repository of the pushed image
 * @param sourceTag the pushed tag
 * @param sourceDigest the manifest digest the tag pointed to at push time
 * @param targetRepository where the copy goes (usually the source repository)
 * @param targetTag source tag plus the rule's suffix
 * @param pushedAt when the source was pushed
 * @param options conversion options from the rule
 */
public record ConversionRequest(
    UUID jobId,
    int attempt,
    long sequence,
    String registry,
    String sourceRepository,
    String sourceTag,
    String sourceDigest,
    String targetRepository,
    String targetTag,
    Instant pushedAt,
    ConversionOptions options) {

  /** The same conversion as attempt {@code attempt}: a re-request. */
  public ConversionRequest withAttempt(int attempt) {
    return new ConversionRequest(
        jobId,
        attempt,
        sequence,
        registry,
        sourceRepository,
        sourceTag,
        sourceDigest,
        targetRepository,
        targetTag,
        pushedAt,
        options);
  }

  /** Kafka key: all conversions of one target tag land on one partition, in push order. */
  public String key() {
    return registry + "/" + targetRepository + ":" + targetTag;
  }
}
