package dev.autoconvert.rules.job;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Manifest digests our workers pushed. A push event carrying one of them is our own output
 * (invariant 5); content identifies it, not the tag name. Workers report the digest before they
 * push the tag, so the record normally exists before the echo event arrives.
 */
@Component
public class ProducedDigests {
  private final JdbcClient jdbc;

  ProducedDigests(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public void record(String registry, String digest, String repository, UUID jobId) {
    jdbc.sql(
            "INSERT INTO produced_digests (registry, digest, repository, job_id, recorded_at)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
        .params(registry, digest, repository, jobId, Timestamp.from(Instant.now()))
        .update();
  }

  /**
   * The unfinished conversion that targets this tag, if any: then a push of it may be our own
   * output whose digest the worker reported but whose status we have not read yet.
   */
  public Optional<UUID> activeConversionInto(String registry, String repository, String tag) {
    return jdbc.sql(
            "SELECT id FROM conversion_jobs WHERE registry = ? AND target_repository = ?"
                + " AND target_tag = ? AND status IN ('PENDING', 'QUEUED', 'RUNNING', 'RETRYING')"
                + " ORDER BY created_at DESC LIMIT 1")
        .params(registry, repository, tag)
        .query(UUID.class)
        .optional();
  }

  public boolean isOurs(String registry, String digest) {
    return jdbc.sql("SELECT count(*) FROM produced_digests WHERE registry = ? AND digest = ?")
            .params(registry, digest)
            .query(Long.class)
            .single()
        > 0;
  }
}
