package dev.autoconvert.rules.job;

import dev.autoconvert.contracts.JobStatus;
import dev.autoconvert.rules.api.PageView;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Read side of the conversions API: filtered pages and the summary. */
@Component
class ConversionQueries {
  private final EntityManager em;
  private final JdbcClient jdbc;

  ConversionQueries(EntityManager em, JdbcClient jdbc) {
    this.em = em;
    this.jdbc = jdbc;
  }

  /** Filters of {@code GET /conversions}; null means no filter. */
  record Filter(
      List<JobStatus> status, String repository, String tag, UUID ruleId, Instant since) {}

  @Transactional(readOnly = true)
  PageView<ConversionView> page(Filter filter, int page, int size) {
    StringBuilder where = new StringBuilder(" where 1 = 1");
    Map<String, Object> params = new LinkedHashMap<>();
    if (filter.status() != null && !filter.status().isEmpty()) {
      where.append(" and j.status in :status");
      params.put("status", filter.status());
    }
    if (filter.repository() != null) {
      where.append(" and j.sourceRepository = :repository");
      params.put("repository", filter.repository());
    }
    if (filter.tag() != null) {
      where.append(" and j.sourceTag = :tag");
      params.put("tag", filter.tag());
    }
    if (filter.ruleId() != null) {
      where.append(" and j.ruleId = :ruleId");
      params.put("ruleId", filter.ruleId());
    }
    if (filter.since() != null) {
      where.append(" and j.createdAt >= :since");
      params.put("since", filter.since());
    }
    TypedQuery<Long> count =
        em.createQuery("select count(j) from ConversionJob j" + where, Long.class);
    TypedQuery<ConversionJob> select =
        em.createQuery(
            "select j from ConversionJob j" + where + " order by j.createdAt desc, j.id",
            ConversionJob.class);
    params.forEach(
        (name, value) -> {
          count.setParameter(name, value);
          select.setParameter(name, value);
        });
    List<ConversionView> items =
        select.setFirstResult(page * size).setMaxResults(size).getResultList().stream()
            .map(ConversionView::of)
            .toList();
    return new PageView<>(items, page, size, count.getSingleResult());
  }

  /** Percentiles of a duration, in milliseconds; null when nothing finished yet. */
  record Durations(
      long count, Double avgMillis, Double p50Millis, Double p95Millis, Double maxMillis) {}

  record RuleCounts(UUID ruleId, String name, long total, Map<JobStatus, Long> byStatus) {}

  /**
   * @param total jobs created since {@code since}
   * @param queue PENDING to QUEUED (outbox relay latency)
   * @param succeeded created to SUCCEEDED
   * @param failed created to FAILED
   */
  record Summary(
      Instant since,
      long total,
      Map<JobStatus, Long> byStatus,
      List<RuleCounts> byRule,
      Durations queue,
      Durations succeeded,
      Durations failed) {}

  @Transactional(readOnly = true)
  Summary summary(Instant since) {
    Timestamp from = Timestamp.from(since == null ? Instant.EPOCH : since);
    Map<JobStatus, Long> byStatus = zeroCounts();
    jdbc.sql("SELECT status, count(*) FROM conversion_jobs WHERE created_at >= ? GROUP BY status")
        .param(from)
        .query((rs, n) -> byStatus.put(JobStatus.valueOf(rs.getString(1)), rs.getLong(2)))
        .list();
    record Row(UUID ruleId, String name, JobStatus status, long count) {}
    List<Row> rows =
        jdbc.sql(
                "SELECT j.rule_id, r.name, j.status, count(*) FROM conversion_jobs j"
                    + " LEFT JOIN rules r ON r.id = j.rule_id WHERE j.created_at >= ?"
                    + " GROUP BY j.rule_id, r.name, j.status ORDER BY r.name")
            .param(from)
            .query(
                (rs, n) ->
                    new Row(
                        rs.getObject(1, UUID.class),
                        rs.getString(2),
                        JobStatus.valueOf(rs.getString(3)),
                        rs.getLong(4)))
            .list();
    Map<UUID, RuleCounts> byRule = new LinkedHashMap<>();
    for (Row row : rows) {
      RuleCounts before =
          byRule.getOrDefault(
              row.ruleId(), new RuleCounts(row.ruleId(), row.name(), 0, zeroCounts()));
      before.byStatus().put(row.status(), row.count());
      byRule.put(
          row.ruleId(),
          new RuleCounts(
              row.ruleId(), row.name(), before.total() + row.count(), before.byStatus()));
    }
    long total = byStatus.values().stream().mapToLong(Long::longValue).sum();
    return new Summary(
        since,
        total,
        byStatus,
        List.copyOf(byRule.values()),
        durations("queued_at", "queued_at IS NOT NULL", from),
        durations("finished_at", "status = 'SUCCEEDED'", from),
        durations("finished_at", "status = 'FAILED'", from));
  }

  private Durations durations(String endColumn, String condition, Timestamp from) {
    // endColumn and condition are constants of this class, never client input
    String millis = "(extract(epoch FROM (" + endColumn + " - created_at)) * 1000)::float8";
    return jdbc.sql(
            "SELECT count(*), avg("
                + millis
                + "), percentile_cont(0.5) WITHIN GROUP (ORDER BY "
                + millis
                + "), percentile_cont(0.95) WITHIN GROUP (ORDER BY "
                + millis
                + "), max("
                + millis
                + ") FROM conversion_jobs WHERE created_at >= ? AND "
                + endColumn
                + " IS NOT NULL AND "
                + condition)
        .param(from)
        .query(
            (rs, n) ->
                new Durations(
                    rs.getLong(1),
                    rs.getObject(2, Double.class),
                    rs.getObject(3, Double.class),
                    rs.getObject(4, Double.class),
                    rs.getObject(5, Double.class)))
        .single();
  }

  private static Map<JobStatus, Long> zeroCounts() {
    Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
    for (JobStatus status : JobStatus.values()) {
      counts.put(status, 0L);
    }
    return counts;
  }
}
