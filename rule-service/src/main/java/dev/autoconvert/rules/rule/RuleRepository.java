package dev.autoconvert.rules.rule;

import java.util.List;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

interface RuleRepository extends JpaRepository<Rule, UUID> {
  List<Rule> findByEnabledTrue();

  boolean existsByNameAndIdNot(String name, UUID id);
}
