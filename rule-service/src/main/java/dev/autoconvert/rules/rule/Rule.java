package dev.autoconvert.rules.rule;

import dev.autoconvert.contracts.ConversionOptions;
import dev.autoconvert.rules.job.TagLimit;
import dev.autoconvert.rules.matching.PatternSyntax;
import dev.autoconvert.rules.matching.RuleMatcher;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;

/** A conversion rule (DESIGN.md "Rules"). */
@Entity
@Table(name = "rules")
public class Rule {
  @Id private UUID id;

  private String name;
  private String description;
  private boolean enabled;
  private String registry;
  private String namespacePattern;
  private String repositoryPattern;
  private String tagPattern;
  private String excludeRepositoryPattern;
  private String excludeTagPattern;

  @Enumerated(EnumType.STRING)
  private PatternSyntax patternSyntax;

  private String tagSuffix;
  private String targetRepository;

  @Convert(converter = OptionsConverter.class)
  @Column(columnDefinition = "text")
  private ConversionOptions options;

  private Instant createdAt;
  private Instant updatedAt;
  @Version private long version;

  protected Rule() {}

  Rule(UUID id, Instant now) {
    this.id = id;
    this.createdAt = now;
    this.updatedAt = now;
  }

  /** Replaces every editable field; the patterns have been compiled by the caller. */
  void update(RuleRequest request, Instant now) {
    this.name = request.name();
    this.description = request.description();
    this.enabled = request.enabled() == null || request.enabled();
    this.registry = blankToNull(request.registry());
    this.namespacePattern = blankToNull(request.namespacePattern());
    this.repositoryPattern = blankToNull(request.repositoryPattern());
    this.tagPattern = blankToNull(request.tagPattern());
    this.excludeRepositoryPattern = blankToNull(request.excludeRepositoryPattern());
    this.excludeTagPattern = blankToNull(request.excludeTagPattern());
    this.patternSyntax = request.syntax();
    this.tagSuffix = request.tagSuffix() == null ? TagLimit.DEFAULT_SUFFIX : request.tagSuffix();
    this.targetRepository = blankToNull(request.targetRepository());
    this.options = request.conversionOptions();
    this.updatedAt = now;
  }

  /** Compiles this rule's patterns (cheap enough to do per change, cached by RuleCatalog). */
  public RuleMatcher matcher() {
    return RuleMatcher.compile(
        registry,
        new RuleMatcher.Patterns(
            namespacePattern,
            repositoryPattern,
            tagPattern,
            excludeRepositoryPattern,
            excludeTagPattern,
            patternSyntax));
  }

  /** Where the copy of {@code sourceRepository} goes. */
  public String targetRepositoryFor(String sourceRepository) {
    return targetRepository == null ? sourceRepository : targetRepository;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  public UUID getId() {
    return id;
  }

  public String getName() {
    return name;
  }

  public String getDescription() {
    return description;
  }

  public boolean isEnabled() {
    return enabled;
  }

  public String getRegistry() {
    return registry;
  }

  public String getNamespacePattern() {
    return namespacePattern;
  }

  public String getRepositoryPattern() {
    return repositoryPattern;
  }

  public String getTagPattern() {
    return tagPattern;
  }

  public String getExcludeRepositoryPattern() {
    return excludeRepositoryPattern;
  }

  public String getExcludeTagPattern() {
    return excludeTagPattern;
  }

  public PatternSyntax getPatternSyntax() {
    return patternSyntax;
  }

  public String getTagSuffix() {
    return tagSuffix;
  }

  public String getTargetRepository() {
    return targetRepository;
  }

  public ConversionOptions getOptions() {
    return options;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }

  public Instant getUpdatedAt() {
    return updatedAt;
  }

  public long getVersion() {
    return version;
  }
}
