package dev.autoconvert.rules.metrics;

import dev.autoconvert.contracts.JobStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Gauges computed from the database on a schedule (scrapes stay cheap): jobs by state, and the
 * outbox lag as unsent rows and the age of the oldest one.
 */
@Component
class JobMetrics {
  private final JdbcClient jdbc;
  private final Map<JobStatus, AtomicLong> jobsByState = new EnumMap<>(JobStatus.class);
  private final AtomicLong outboxUnsent = new AtomicLong();
  private final AtomicLong outboxOldestAgeMillis = new AtomicLong();

  JobMetrics(JdbcClient jdbc, MeterRegistry meters) {
    this.jdbc = jdbc;
    for (JobStatus status : JobStatus.values()) {
      AtomicLong value = new AtomicLong();
      jobsByState.put(status, value);
      Gauge.builder("autoconvert.jobs", value, AtomicLong::get)
          .description("conversion jobs by state (finished ones while job retention keeps them)")
          .tag("status", status.name())
          .register(meters);
    }
    Gauge.builder("autoconvert.outbox.unsent", outboxUnsent, AtomicLong::get)
        .description("outbox rows not yet acknowledged by Kafka")
        .register(meters);
    Gauge.builder("autoconvert.outbox.oldest.age", outboxOldestAgeMillis, v -> v.get() / 1000.0)
        .description("age of the oldest unsent outbox row")
        .baseUnit("seconds")
        .register(meters);
  }

  @Scheduled(
      fixedDelayString = "${autoconvert.rules.metrics.refresh-interval:10s}",
      initialDelay = 1000)
  void refresh() {
    Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
    jdbc.sql("SELECT status, count(*) FROM conversion_jobs GROUP BY status")
        .query((rs, n) -> counts.put(JobStatus.valueOf(rs.getString(1)), rs.getLong(2)))
        .list();
    jobsByState.forEach((status, value) -> value.set(counts.getOrDefault(status, 0L)));
    jdbc.sql(
            "SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)) * 1000, 0)"
                + " FROM outbox WHERE sent_at IS NULL")
        .query(
            (rs, n) -> {
              outboxUnsent.set(rs.getLong(1));
              outboxOldestAgeMillis.set((long) rs.getDouble(2));
              return null;
            })
        .list();
  }
}
