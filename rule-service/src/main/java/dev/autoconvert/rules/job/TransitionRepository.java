package dev.autoconvert.rules.job;

import java.util.List;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

interface TransitionRepository extends JpaRepository<JobTransition, Long> {
  List<JobTransition> findByJobIdOrderByIdAsc(UUID jobId);
}
