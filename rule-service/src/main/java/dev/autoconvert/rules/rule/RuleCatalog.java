package dev.autoconvert.rules.rule;

import dev.autoconvert.rules.matching.RuleMatcher;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Answers which enabled rules match a push. Compiled patterns are cached per rule version, so a
 * rule is compiled once per change rather than once per event.
 */
@Component
public class RuleCatalog {
  private final RuleRepository rules;
  private final Map<UUID, Compiled> compiled = new ConcurrentHashMap<>();

  private record Compiled(long version, RuleMatcher matcher) {}

  RuleCatalog(RuleRepository rules) {
    this.rules = rules;
  }

  @Transactional(readOnly = true)
  public List<Rule> matching(String registry, String repository, String tag) {
    return rules.findByEnabledTrue().stream()
        .filter(rule -> matcherOf(rule).matches(registry, repository, tag))
        .toList();
  }

  /** Every rule, enabled or not, that would match (the dry run shows disabled ones too). */
  @Transactional(readOnly = true)
  public List<Rule> matchingAny(String registry, String repository, String tag) {
    return rules.findAll().stream()
        .filter(rule -> matcherOf(rule).matches(registry, repository, tag))
        .toList();
  }

  @Transactional(readOnly = true)
  public List<Rule> enabled() {
    return rules.findByEnabledTrue();
  }

  @Transactional(readOnly = true)
  public Optional<Rule> find(UUID id) {
    return rules.findById(id);
  }

  private RuleMatcher matcherOf(Rule rule) {
    Compiled cached = compiled.get(rule.getId());
    if (cached == null || cached.version() != rule.getVersion()) {
      cached = new Compiled(rule.getVersion(), rule.matcher());
      compiled.put(rule.getId(), cached);
    }
    return cached.matcher();
  }
}
