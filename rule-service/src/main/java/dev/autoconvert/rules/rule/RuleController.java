package dev.autoconvert.rules.rule;

import dev.autoconvert.rules.api.ApiTokenFilter;
import dev.autoconvert.rules.api.PageView;
import dev.autoconvert.rules.api.Problems;
import dev.autoconvert.rules.job.TagLimit;
import dev.autoconvert.rules.matching.InvalidPatternException;
import dev.autoconvert.rules.matching.RuleMatcher;
import jakarta.validation.Valid;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Rules CRUD, each change recorded with who made it ({@code /{id}/history}), and the matching dry
 * run under {@code /api/v1/rules}.
 */
@RestController
@RequestMapping("/api/v1/rules")
class RuleController {
  private final RuleRepository rules;
  private final RuleCatalog catalog;
  private final RuleChanges changes;

  RuleController(RuleRepository rules, RuleCatalog catalog, RuleChanges changes) {
    this.rules = rules;
    this.catalog = catalog;
    this.changes = changes;
  }

  @GetMapping
  PageView<RuleView> list(
      @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
    PageView.checkPaging(page, size);
    Page<Rule> found = rules.findAll(PageRequest.of(page, size, Sort.by("name")));
    return new PageView<>(
        found.map(RuleView::of).getContent(), page, size, found.getTotalElements());
  }

  @GetMapping("/{id}")
  RuleView get(@PathVariable UUID id) {
    return RuleView.of(find(id));
  }

  @PostMapping
  @Transactional
  ResponseEntity<RuleView> create(
      @Valid @RequestBody RuleRequest request,
      @RequestAttribute(ApiTokenFilter.ACTOR) String actor) {
    Instant now = Instant.now();
    RuleView saved = save(new Rule(UUID.randomUUID(), now), request, now);
    changes.record(RuleChanges.Action.CREATED, null, saved, actor, now);
    return ResponseEntity.created(URI.create("/api/v1/rules/" + saved.id())).body(saved);
  }

  @PutMapping("/{id}")
  @Transactional
  RuleView replace(
      @PathVariable UUID id,
      @Valid @RequestBody RuleRequest request,
      @RequestAttribute(ApiTokenFilter.ACTOR) String actor) {
    Rule rule = find(id);
    RuleView before = RuleView.of(rule);
    Instant now = Instant.now();
    RuleView after = save(rule, request, now);
    changes.record(RuleChanges.Action.REPLACED, before, after, actor, now);
    return after;
  }

  @DeleteMapping("/{id}")
  @Transactional
  ResponseEntity<Void> delete(
      @PathVariable UUID id, @RequestAttribute(ApiTokenFilter.ACTOR) String actor) {
    Rule rule = find(id);
    rules.delete(rule);
    changes.record(RuleChanges.Action.DELETED, RuleView.of(rule), null, actor, Instant.now());
    return ResponseEntity.noContent().build();
  }

  /**
   * Makes the rules whose names start with {@code prefix} (all rules without one) those of {@code
   * set}, matched by name: rules it adds are created, rules it changes replaced, rules it leaves
   * out deleted, in one transaction and each in the rule history (a renamed rule is deleted and
   * created). A prefix lets each team apply its own rules and no one else's. With {@code dryRun},
   * only reports. A set with an invalid rule, a name twice or a name without the prefix is refused
   * either way, naming it, and changes nothing.
   */
  @PutMapping
  @Transactional
  RuleSet.Report replaceAll(
      @Valid @RequestBody RuleSet set,
      @RequestParam(defaultValue = "") String prefix,
      @RequestParam(defaultValue = "false") boolean dryRun,
      @RequestAttribute(ApiTokenFilter.ACTOR) String actor) {
    Map<String, RuleRequest> wanted = new LinkedHashMap<>();
    for (RuleRequest request : set.rules()) {
      try {
        RuleMatcher.compile(request.registry(), request.patterns());
      } catch (InvalidPatternException e) {
        throw Problems.badRequest("rule '" + request.name() + "': " + e.getMessage());
      }
      if (!request.name().startsWith(prefix)) {
        throw Problems.badRequest(
            "rule '" + request.name() + "' does not start with the prefix '" + prefix + "'");
      }
      if (wanted.put(request.name(), request) != null) {
        throw Problems.badRequest("the rule set names '" + request.name() + "' twice");
      }
    }
    Instant now = Instant.now();
    List<String> created = new ArrayList<>();
    List<String> replaced = new ArrayList<>();
    List<String> deleted = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    for (Rule rule : rules.findByNameStartingWithOrderByName(prefix)) {
      RuleRequest request = wanted.remove(rule.getName());
      RuleView before = RuleView.of(rule);
      if (request == null) {
        deleted.add(rule.getName());
        if (!dryRun) {
          rules.delete(rule);
          changes.record(RuleChanges.Action.DELETED, before, null, actor, now);
        }
      } else if (before.equals(applied(rule, request))) {
        unchanged.add(rule.getName());
      } else {
        replaced.add(rule.getName());
        if (!dryRun) {
          changes.record(RuleChanges.Action.REPLACED, before, save(rule, request, now), actor, now);
        }
      }
    }
    for (RuleRequest request : wanted.values()) {
      created.add(request.name());
      if (!dryRun) {
        RuleView saved = save(new Rule(UUID.randomUUID(), now), request, now);
        changes.record(RuleChanges.Action.CREATED, null, saved, actor, now);
      }
    }
    return new RuleSet.Report(dryRun, created, replaced, deleted, unchanged);
  }

  /** The rule as {@code request} would leave it, times unchanged: equal when it changes nothing. */
  private static RuleView applied(Rule rule, RuleRequest request) {
    Rule copy = new Rule(rule.getId(), rule.getCreatedAt());
    copy.update(request, rule.getUpdatedAt());
    return RuleView.of(copy);
  }

  /** The rule's changes, newest first; a deleted rule's too. */
  @GetMapping("/{id}/history")
  PageView<RuleChanges.ChangeView> history(
      @PathVariable UUID id,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "20") int size) {
    PageView.checkPaging(page, size);
    long total = changes.count(id);
    if (total == 0 && rules.findById(id).isEmpty()) {
      throw Problems.notFound("no rule with id " + id);
    }
    return new PageView<>(changes.of(id, page, size), page, size, total);
  }

  /** Which rules would match a push of {@code repository:tag} (disabled ones are flagged). */
  @GetMapping("/match")
  MatchView match(
      @RequestParam String repository,
      @RequestParam String tag,
      @RequestParam(required = false) String registry) {
    List<MatchView.Matched> matched =
        catalog.matchingAny(registry, repository, tag).stream()
            .map(
                rule ->
                    new MatchView.Matched(
                        rule.getId(),
                        rule.getName(),
                        rule.isEnabled(),
                        rule.targetRepositoryFor(repository),
                        tag + rule.getTagSuffix(),
                        TagLimit.tooLong(tag, rule.getTagSuffix()).orElse(null)))
            .toList();
    return new MatchView(registry, repository, tag, matched);
  }

  private RuleView save(Rule rule, RuleRequest request, Instant now) {
    // compile first: a bad pattern is a 400 naming it, never a stored rule that cannot match
    RuleMatcher.compile(request.registry(), request.patterns());
    if (rules.existsByNameAndIdNot(request.name(), rule.getId())) {
      throw Problems.conflict("a rule named '" + request.name() + "' already exists");
    }
    rule.update(request, now);
    try {
      return RuleView.of(rules.saveAndFlush(rule));
    } catch (DataIntegrityViolationException e) {
      throw Problems.conflict("a rule named '" + request.name() + "' already exists");
    }
  }

  private Rule find(UUID id) {
    return rules.findById(id).orElseThrow(() -> Problems.notFound("no rule with id " + id));
  }

  /** The dry run's answer. */
  record MatchView(String registry, String repository, String tag, List<Matched> rules) {
    /**
     * @param tagTooLong why the target tag would be invalid (the job would fail TAG_TOO_LONG)
     */
    record Matched(
        UUID ruleId,
        String name,
        boolean enabled,
        String targetRepository,
        String targetTag,
        String tagTooLong) {}
  }
}
