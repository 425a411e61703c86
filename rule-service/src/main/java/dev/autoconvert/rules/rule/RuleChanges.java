package dev.autoconvert.rules.rule;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The history of each rule's changes through the API (table {@code rule_changes}). */
@Component
class RuleChanges {
  private final JdbcClient jdbc;
  private final JsonMapper json;

  RuleChanges(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  enum Action {
    CREATED,
    REPLACED,
    DELETED
  }

  /** One change: the rule as the API showed it before and after (null where there was none). */
  record ChangeView(Action action, String actor, Instant at, JsonNode before, JsonNode after) {}

  /** Records a change in the caller's transaction: it stands or falls with the change. */
  void record(Action action, RuleView before, RuleView after, String actor, Instant at) {
    UUID ruleId = after != null ? after.id() : before.id();
    jdbc.sql(
            "INSERT INTO rule_changes (rule_id, action, actor, at, before, after)"
                + " VALUES (?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb))")
        .params(
            ruleId,
            action.name(),
            actor,
            Timestamp.from(at),
            before == null ? null : json.writeValueAsString(before),
            after == null ? null : json.writeValueAsString(after))
        .update();
  }

  long count(UUID ruleId) {
    return jdbc.sql("SELECT count(*) FROM rule_changes WHERE rule_id = ?")
        .param(ruleId)
        .query(Long.class)
        .single();
  }

  /** Newest first. */
  List<ChangeView> of(UUID ruleId, int page, int size) {
    return jdbc.sql(
            "SELECT action, actor, at, before::text, after::text FROM rule_changes"
                + " WHERE rule_id = ? ORDER BY id DESC LIMIT ? OFFSET ?")
        .params(ruleId, size, (long) page * size)
        .query(
            (rs, n) ->
                new ChangeView(
                    Action.valueOf(rs.getString(1)),
                    rs.getString(2),
                    rs.getTimestamp(3).toInstant(),
                    rs.getString(4) == null ? null : json.readTree(rs.getString(4)),
                    rs.getString(5) == null ? null : json.readTree(rs.getString(5))))
        .list();
  }
}
