package dev.autoconvert.rules.rule;

import dev.autoconvert.contracts.ConversionOptions;
import dev.autoconvert.rules.matching.NamePattern;
import dev.autoconvert.rules.matching.PatternSyntax;
import dev.autoconvert.rules.matching.RuleMatcher;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** A rule as clients create or replace it (JSON names from DESIGN.md). */
record RuleRequest(
    @NotBlank @Size(max = 100) String name,
    @Size(max = 1000) String description,
    Boolean enabled,
    @Size(max = 255)
        @Pattern(
            regexp = "[A-Za-z0-9.-]+(:[0-9]{1,5})?",
            message = "must be a registry host[:port], e.g. registry.example.com:5000")
        String registry,
    @Size(max = NamePattern.MAX_LENGTH) String namespacePattern,
    @Size(max = NamePattern.MAX_LENGTH) String repositoryPattern,
    @Size(max = NamePattern.MAX_LENGTH) String tagPattern,
    @Size(max = NamePattern.MAX_LENGTH) String excludeRepositoryPattern,
    @Size(max = NamePattern.MAX_LENGTH) String excludeTagPattern,
    PatternSyntax patternSyntax,
    @Pattern(regexp = OciNames.TAG_SUFFIX, message = OciNames.TAG_SUFFIX_MESSAGE) String tagSuffix,
    @Size(max = 255) @Pattern(regexp = OciNames.REPOSITORY, message = OciNames.REPOSITORY_MESSAGE)
        String targetRepository,
    @Valid OptionsRequest options) {

  RuleMatcher.Patterns patterns() {
    return new RuleMatcher.Patterns(
        namespacePattern,
        repositoryPattern,
        tagPattern,
        excludeRepositoryPattern,
        excludeTagPattern,
        syntax());
  }

  PatternSyntax syntax() {
    return patternSyntax == null ? PatternSyntax.GLOB : patternSyntax;
  }

  ConversionOptions conversionOptions() {
    return options == null ? ConversionOptions.defaults() : options.toOptions();
  }
}
