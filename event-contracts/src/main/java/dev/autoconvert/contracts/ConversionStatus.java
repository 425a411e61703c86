package dev.autoconvert.contracts;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A status update about one job, from a worker (or rule-service itself) on {@code
 * conversion.status}, keyed by job id.
 *
 * @param jobId the job
 * @param attempt which attempt this update belongs to
 * @param status the new state
 * @param workerId the reporting worker instance
 * @param at when the state was reached
 * @param failureCode set with FAILED (and RETRYING, naming the transient cause)
 * @param reason human-readable detail for FAILED, SKIPPED, SUPERSEDED and RETRYING
 * @param targetDigest the Nydus manifest (or index) digest, reported before the tag is pushed
 * @param progress layers and bytes so far; null when not applicable
 * @param result figures of a finished conversion; null until SUCCEEDED
 */
public record ConversionStatus(
    UUID jobId,
    int attempt,
    JobStatus status,
    String workerId,
    Instant at,
    FailureCode failureCode,
    String reason,
    String targetDigest,
    Progress progress,
    Result result) {

  /** How far a running conversion has got. */
  public record Progress(int layersDone, int layersTotal, long bytesIn, long bytesOut) {}

  /**
   * Figures of a finished conversion.
   *
   * @param sourceSize bytes of source layers read
   * @param targetSize bytes of Nydus blobs and bootstrap written
   * @param layersConverted layers converted in this job
   * @param layersFromCache layers reused from the fleet-wide layer cache or mounted
   * @param phaseMillis duration per phase: {@code queue}, {@code pull}, {@code convert}, {@code
   *     push}
   */
  public record Result(
      long sourceSize,
      long targetSize,
      int layersConverted,
      int layersFromCache,
      Map<String, Long> phaseMillis) {}
}
