package dev.autoconvert.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * An operator cancelled a job: workers that hold its request stop converting it, and workers that
 * get its request later skip it. Every worker reads every cancellation.
 *
 * @param jobId the cancelled job
 * @param at when rule-service recorded the cancellation
 */
public record ConversionCancellation(UUID jobId, Instant at) {
  /** Kafka key. */
  public String key() {
    return jobId.toString();
  }
}
