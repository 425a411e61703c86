package dev.autoconvert.rules.rule;

import dev.autoconvert.contracts.ConversionOptions;
import dev.autoconvert.rules.matching.PatternSyntax;
import java.time.Instant;
import java.util.UUID;

/** A rule as the API shows it (JSON names from DESIGN.md). */
record RuleView(
    UUID id,
    String name,
    String description,
    boolean enabled,
    String registry,
    String namespacePattern,
    String repositoryPattern,
    String tagPattern,
    String excludeRepositoryPattern,
    String excludeTagPattern,
    PatternSyntax patternSyntax,
    String tagSuffix,
    String targetRepository,
    ConversionOptions options,
    Instant createdAt,
    Instant updatedAt) {

  static RuleView of(Rule rule) {
    return new RuleView(
        rule.getId(),
        rule.getName(),
        rule.getDescription(),
        rule.isEnabled(),
        rule.getRegistry(),
        rule.getNamespacePattern(),
        rule.getRepositoryPattern(),
        rule.getTagPattern(),
        rule.getExcludeRepositoryPattern(),
        rule.getExcludeTagPattern(),
        rule.getPatternSyntax(),
        rule.getTagSuffix(),
        rule.getTargetRepository(),
        rule.getOptions(),
        rule.getCreatedAt(),
        rule.getUpdatedAt());
  }
}
