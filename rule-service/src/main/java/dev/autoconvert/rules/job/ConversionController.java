package dev.autoconvert.rules.job;

import dev.autoconvert.contracts.FailureCode;
import dev.autoconvert.contracts.JobStatus;
import dev.autoconvert.rules.api.ApiTokenFilter;
import dev.autoconvert.rules.api.PageView;
import dev.autoconvert.rules.api.Problems;
import dev.autoconvert.rules.rule.Rule;
import dev.autoconvert.rules.rule.RuleCatalog;
import jakarta.validation.Valid;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Conversion jobs under {@code /api/v1/conversions}. */
@RestController
@RequestMapping("/api/v1/conversions")
class ConversionController {
  /** The most jobs one bulk retry opens, in one transaction. */
  private static final int MAX_BULK_RETRY = 1000;

  private final ConversionQueries queries;
  private final JobRepository jobs;
  private final TransitionRepository transitions;
  private final ManualConversions manual;
  private final RuleCatalog rules;
  private final Jobs lifecycle;

  ConversionController(
      ConversionQueries queries,
      JobRepository jobs,
      TransitionRepository transitions,
      ManualConversions manual,
      RuleCatalog rules,
      Jobs lifecycle) {
    this.queries = queries;
    this.jobs = jobs;
    this.transitions = transitions;
    this.manual = manual;
    this.rules = rules;
    this.lifecycle = lifecycle;
  }

  /** Newest first; {@code status} may repeat or be comma-separated. */
  @GetMapping
  PageView<ConversionView> list(
      @RequestParam(required = false) List<JobStatus> status,
      @RequestParam(required = false) String repository,
      @RequestParam(required = false) String tag,
      @RequestParam(required = false) UUID ruleId,
      @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME)
          Instant since,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "20") int size) {
    PageView.checkPaging(page, size);
    return queries.page(
        new ConversionQueries.Filter(status, repository, tag, ruleId, since), page, size);
  }

  @GetMapping("/{id}")
  @Transactional(readOnly = true)
  ConversionView get(@PathVariable UUID id) {
    ConversionJob job =
        jobs.findById(id).orElseThrow(() -> Problems.notFound("no conversion with id " + id));
    return ConversionView.of(job, transitions.findByJobIdOrderByIdAsc(id));
  }

  @GetMapping("/summary")
  ConversionQueries.Summary summary(
      @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME)
          Instant since) {
    return queries.summary(since);
  }

  @PostMapping
  ResponseEntity<ConversionView> create(@Valid @RequestBody ManualConversionRequest request) {
    SourceReference source;
    try {
      source = SourceReference.parse(request.source());
    } catch (IllegalArgumentException e) {
      throw Problems.badRequest(e.getMessage());
    }
    Rule rule =
        request.ruleId() == null
            ? null
            : rules
                .find(request.ruleId())
                .orElseThrow(() -> Problems.badRequest("no rule with id " + request.ruleId()));
    return created(manual.convert(request, source, rule));
  }

  /**
   * Retries the FAILED jobs still newest into their target (see {@link
   * ManualConversions#retryFailed}); {@code failureCode} may repeat or be comma-separated.
   */
  @PostMapping("/retry")
  ManualConversions.BulkRetry retryFailed(
      @RequestParam(required = false) List<FailureCode> failureCode,
      @RequestParam(required = false) String repository,
      @RequestParam(required = false) UUID ruleId,
      @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME)
          Instant since,
      @RequestParam(defaultValue = "false") boolean dryRun,
      @RequestParam(defaultValue = "100") int limit) {
    if (limit < 1 || limit > MAX_BULK_RETRY) {
      throw Problems.badRequest("limit must be between 1 and " + MAX_BULK_RETRY);
    }
    return manual.retryFailed(
        new Jobs.FailedFilter(failureCode, repository, ruleId, since), dryRun, limit);
  }

  /**
   * Cancels an unfinished job: it ends CANCELLED, and the workers stop converting it or skip it. A
   * finished job is a 409.
   */
  @PostMapping("/{id}/cancel")
  @Transactional
  ConversionView cancel(
      @PathVariable UUID id, @RequestAttribute(ApiTokenFilter.ACTOR) String actor) {
    JobStatus before =
        lifecycle
            .cancel(id, actor)
            .orElseThrow(() -> Problems.notFound("no conversion with id " + id));
    if (before.terminal()) {
      throw Problems.conflict(
          "conversion " + id + " is " + before + "; only unfinished ones are cancelled");
    }
    return get(id);
  }

  @PostMapping("/{id}/retry")
  ResponseEntity<ConversionView> retry(@PathVariable UUID id) {
    return created(manual.retry(id));
  }

  private static ResponseEntity<ConversionView> created(ConversionJob job) {
    return ResponseEntity.created(URI.create("/api/v1/conversions/" + job.getId()))
        .body(ConversionView.of(job));
  }
}
