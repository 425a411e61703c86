package dev.autoconvert.rules.reconcile;

import dev.autoconvert.rules.api.Problems;
import dev.autoconvert.rules.rule.RuleCatalog;
import java.util.UUID;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/rules/{id}/reconcile}: reconcile one rule now and report what it did; with
 * {@code ?dryRun=true}, report what it would convert and open no job (a rule can be tried out,
 * disabled, before it is let loose on a registry).
 */
@RestController
class ReconcileController {
  private final RuleCatalog rules;
  private final Reconciler reconciler;

  ReconcileController(RuleCatalog rules, Reconciler reconciler) {
    this.rules = rules;
    this.reconciler = reconciler;
  }

  @PostMapping("/api/v1/rules/{id}/reconcile")
  Reconciler.Report reconcile(
      @PathVariable UUID id, @RequestParam(defaultValue = "false") boolean dryRun) {
    return reconciler.reconcile(
        rules.find(id).orElseThrow(() -> Problems.notFound("no rule with id " + id)), dryRun);
  }
}
