package dev.autoconvert.rules.rule;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * Every rule there should be, as {@code PUT /api/v1/rules} takes it: rules kept as code (a file in
 * version control that CI applies). Items may be rules as {@code GET /api/v1/rules} shows them:
 * their {@code id} and times are ignored, rules are matched by name.
 */
record RuleSet(@NotNull List<@Valid @NotNull RuleRequest> rules) {

  /** What applying a rule set did, or with {@code dryRun} would do; each list holds rule names. */
  record Report(
      boolean dryRun,
      List<String> created,
      List<String> replaced,
      List<String> deleted,
      List<String> unchanged) {}
}
