package dev.autoconvert.rules.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.autoconvert.contracts.ConversionOptions;
import dev.autoconvert.contracts.FailureCode;
import dev.autoconvert.contracts.JobStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A conversion job as the API shows it (JSON names from DESIGN.md); {@code transitions} only in the
 * detail.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConversionView(
    UUID id,
    UUID ruleId,
    JobStatus status,
    FailureCode failureCode,
    String reason,
    String registry,
    String sourceRepository,
    String sourceTag,
    String sourceDigest,
    String targetRepository,
    String targetTag,
    String targetDigest,
    int attempts,
    int requeues,
    Instant createdAt,
    Instant updatedAt,
    Trigger trigger,
    long sequence,
    UUID retryOf,
    String workerId,
    Instant queuedAt,
    Instant startedAt,
    Instant finishedAt,
    ConversionOptions options,
    Progress progress,
    Result result,
    List<TransitionView> transitions) {

  record Progress(Integer layersDone, Integer layersTotal, Long bytesIn, Long bytesOut) {}

  record Result(
      Long sourceSize,
      Long targetSize,
      Integer layersConverted,
      Integer layersFromCache,
      Map<String, Long> phaseMillis) {}

  record TransitionView(
      JobStatus from,
      JobStatus to,
      Instant at,
      int attempt,
      String workerId,
      FailureCode failureCode,
      String reason) {}

  static ConversionView of(ConversionJob job) {
    return of(job, null);
  }

  static ConversionView of(ConversionJob job, List<JobTransition> transitions) {
    Progress progress =
        job.getLayersTotal() == null && job.getBytesIn() == null
            ? null
            : new Progress(
                job.getLayersDone(), job.getLayersTotal(), job.getBytesIn(), job.getBytesOut());
    Result result =
        job.getSourceSize() == null && job.getTargetSize() == null
            ? null
            : new Result(
                job.getSourceSize(),
                job.getTargetSize(),
                job.getLayersConverted(),
                job.getLayersFromCache(),
                job.getPhaseMillis());
    return new ConversionView(
        job.getId(),
        job.getRuleId(),
        job.getStatus(),
        job.getFailureCode(),
        job.getReason(),
        job.getRegistry(),
        job.getSourceRepository(),
        job.getSourceTag(),
        job.getSourceDigest(),
        job.getTargetRepository(),
        job.getTargetTag(),
        job.getTargetDigest(),
        job.getAttempts(),
        job.getRequeues(),
        job.getCreatedAt(),
        job.getUpdatedAt(),
        job.getTrigger(),
        job.getSequence(),
        job.getRetryOf(),
        job.getWorkerId(),
        job.getQueuedAt(),
        job.getStartedAt(),
        job.getFinishedAt(),
        transitions == null ? null : job.getOptions(),
        progress,
        result,
        transitions == null
            ? null
            : transitions.stream()
                .map(
                    t ->
                        new TransitionView(
                            t.getFromStatus(),
                            t.getToStatus(),
                            t.getAt(),
                            t.getAttempt(),
                            t.getWorkerId(),
                            t.getFailureCode(),
                            t.getReason()))
                .toList());
  }
}
