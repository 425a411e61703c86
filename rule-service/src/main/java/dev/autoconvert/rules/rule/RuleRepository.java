package dev.autoconvert.rules.rule;

import java.util.List;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

interface RuleRepository extends JpaRepository<Rule, UUID> {
  List<Rule> findByEnabledTrue();

  boolean existsByNameAndIdNot(String name, UUID id);

  /** Rules whose names start with {@code prefix} ({@code %} and {@code _} taken literally). */
  List<Rule> findByNameStartingWithOrderByName(String prefix);
}
