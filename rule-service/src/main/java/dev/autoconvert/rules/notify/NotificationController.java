package dev.autoconvert.rules.notify;

import dev.autoconvert.rules.api.PageView;
import dev.autoconvert.rules.api.Problems;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/notifications}: what was delivered to which endpoint, what is still being tried
 * and why, and what was given up; an abandoned notification can be sent again.
 */
@RestController
@RequestMapping("/api/v1/notifications")
class NotificationController {
  private final JdbcClient jdbc;

  NotificationController(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  enum State {
    PENDING,
    DELIVERED,
    ABANDONED
  }

  /** One notification to one endpoint (the payload is the job: see its {@code jobId}). */
  record NotificationView(
      long id,
      String eventId,
      UUID jobId,
      String endpoint,
      State state,
      int attempts,
      String lastError,
      Instant createdAt,
      Instant nextAttemptAt,
      Instant deliveredAt,
      Instant abandonedAt) {}

  /** A row's {@link State}, defined once: the filter and the view both read it. */
  private static final String STATE =
      "(CASE WHEN delivered_at IS NOT NULL THEN 'DELIVERED'"
          + " WHEN abandoned_at IS NOT NULL THEN 'ABANDONED' ELSE 'PENDING' END)";

  private static final String COLUMNS =
      "id, event_id, job_id, endpoint, attempts, last_error, created_at, next_attempt_at,"
          + " delivered_at, abandoned_at, "
          + STATE;

  @GetMapping
  PageView<NotificationView> list(
      @RequestParam(required = false) State state,
      @RequestParam(required = false) String endpoint,
      @RequestParam(required = false) UUID jobId,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "20") int size) {
    PageView.checkPaging(page, size);
    StringBuilder where = new StringBuilder(" WHERE true");
    List<Object> params = new ArrayList<>();
    if (state != null) {
      where.append(" AND ").append(STATE).append(" = ?");
      params.add(state.name());
    }
    if (endpoint != null) {
      where.append(" AND endpoint = ?");
      params.add(endpoint);
    }
    if (jobId != null) {
      where.append(" AND job_id = ?");
      params.add(jobId);
    }
    long total =
        jdbc.sql("SELECT count(*) FROM notifications" + where)
            .params(params)
            .query(Long.class)
            .single();
    List<Object> pageParams = new ArrayList<>(params);
    pageParams.add(size);
    pageParams.add((long) page * size);
    List<NotificationView> items =
        jdbc.sql(
                "SELECT "
                    + COLUMNS
                    + " FROM notifications"
                    + where
                    + " ORDER BY id DESC LIMIT ? OFFSET ?")
            .params(pageParams)
            .query((rs, n) -> view(rs))
            .list();
    return new PageView<>(items, page, size, total);
  }

  /** Makes an abandoned notification due again, with a fresh age; others are left as they are. */
  @PostMapping("/{id}/redeliver")
  NotificationView redeliver(@PathVariable long id) {
    int changed =
        jdbc.sql(
                "UPDATE notifications SET abandoned_at = NULL, next_attempt_at = now(),"
                    + " created_at = now() WHERE id = ? AND abandoned_at IS NOT NULL")
            .param(id)
            .update();
    NotificationView view =
        jdbc.sql("SELECT " + COLUMNS + " FROM notifications WHERE id = ?")
            .param(id)
            .query((rs, n) -> view(rs))
            .optional()
            .orElseThrow(() -> Problems.notFound("no notification with id " + id));
    if (changed == 0) {
      throw Problems.conflict(
          "notification " + id + " is " + view.state() + ": only an abandoned one is redelivered");
    }
    return view;
  }

  private static NotificationView view(ResultSet rs) throws SQLException {
    return new NotificationView(
        rs.getLong(1),
        rs.getString(2),
        rs.getObject(3, UUID.class),
        rs.getString(4),
        State.valueOf(rs.getString(11)),
        rs.getInt(5),
        rs.getString(6),
        instant(rs.getTimestamp(7)),
        instant(rs.getTimestamp(8)),
        instant(rs.getTimestamp(9)),
        instant(rs.getTimestamp(10)));
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
