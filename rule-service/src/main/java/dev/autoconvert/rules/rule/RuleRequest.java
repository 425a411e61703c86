package dev.autoconvert.rules.rule;

import dev.autoconvert.contracts.ConversionOptions;
import dev.autoconvert.rules.matching.NamePattern;
import dev.autoconvert.rules.matching.PatternSyntax;
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
    PatternSyntax patternSyntax,
    @Pattern(
            regexp = "[A-Za-z0-9._-]{1,64}",
            message = "must be 1 to 64 characters allowed in an OCI tag ([A-Za-z0-9._-])")
        String tagSuffix,
    @Size(max = 255)
        @Pattern(
            regexp = "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*",
            message = "must be an OCI repository name (lower case, '/'-separated)")
        String targetRepository,
    @Valid OptionsRequest options) {

  PatternSyntax syntax() {
    return patternSyntax == null ? PatternSyntax.GLOB : patternSyntax;
  }

  ConversionOptions conversionOptions() {
    return options == null ? ConversionOptions.defaults() : options.toOptions();
  }
}
