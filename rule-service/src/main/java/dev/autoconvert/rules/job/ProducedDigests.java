package dev.autoconvert.rules.job;

import java.sql.Timestamp;
import java.time.Instant;
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

  void record(String registry, String digest, String repository, UUID jobId) {
    jdbc.sql(
            "INSERT INTO produced_digests (registry, digest, repository, job_id, recorded_at)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
        .params(registry, digest, repository, jobId, Timestamp.from(Instant.now()))
        .update();
  }

  /**
   * Whether a conversion that has not finished yet targets this tag: then a push of it may be our
   * own output whose digest the worker reported but whose status we have not read yet.
   */
  public boolean isActiveTarget(String registry, String repository, String tag) {
    return jdbc.sql(
                "SELECT count(*) FROM conversion_jobs WHERE registry = ? AND target_repository = ?"
                    + " AND target_tag = ? AND status IN ('PENDING', 'QUEUED', 'RUNNING', 'RETRYING')")
            .params(registry, repository, tag)
            .query(Long.class)
            .single()
        > 0;
  }

  public boolean isOurs(String registry, String digest) {
    return jdbc.sql("SELECT count(*) FROM produced_digests WHERE registry = ? AND digest = ?")
            .params(registry, digest)
            .query(Long.class)
            .single()
        > 0;
  }
}
