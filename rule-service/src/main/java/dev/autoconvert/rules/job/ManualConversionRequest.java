package dev.autoconvert.rules.job;

import dev.autoconvert.rules.rule.OciNames;
import dev.autoconvert.rules.rule.OptionsRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.UUID;

/**
 * {@code POST /api/v1/conversions}: convert one image now, with a rule's settings or explicit ones
 * (explicit fields win over the rule's).
 *
 * @param source {@code host[:port]/repository:tag[@sha256:...]}; without a digest the worker
 *     converts what the tag points to when it starts
 */
record ManualConversionRequest(
    @NotBlank @Size(max = 1024) String source,
    UUID ruleId,
    @Pattern(regexp = OciNames.TAG_SUFFIX, message = OciNames.TAG_SUFFIX_MESSAGE) String tagSuffix,
    @Size(max = 255) @Pattern(regexp = OciNames.REPOSITORY, message = OciNames.REPOSITORY_MESSAGE)
        String targetRepository,
    @Valid OptionsRequest options) {}
