package dev.autoconvert.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class RulesPropertiesTests {

  @Test
  void toStringNeverShowsTokensOrRegistryPasswords() {
    RulesProperties properties =
        new RulesProperties(
            "admin-secret-value",
            "read-secret-value",
            null,
            null,
            new RulesProperties.Outbox(
                Duration.ofMillis(200), 100, Duration.ofSeconds(10), Duration.ofDays(7)),
            new RulesProperties.Metrics(Duration.ofSeconds(10)),
            Duration.ofSeconds(10),
            new RulesProperties.Reconcile(
                Duration.ofMinutes(15),
                Duration.ofSeconds(30),
                List.of(
                    new RulesProperties.Registry(
                        "127.0.0.1:5000", true, "robot", "registry-secret-value")),
                Duration.ofSeconds(5),
                null,
                null,
                null),
            "autoconvert/layer-cache",
            new RulesProperties.Watchdog(Duration.ofMinutes(1), Duration.ofMinutes(30), 3),
            new RulesProperties.PushEvents(Duration.ofDays(14), Duration.ofHours(1), 1000),
            new RulesProperties.Jobs(Duration.ofDays(90), Duration.ofHours(1), 1000),
            new RulesProperties.KafkaTopics("push", "requests", "status", "cancellations", 12),
            new RulesProperties.Notifications(
                List.of(
                    new RulesProperties.Endpoint(
                        "ci",
                        "https://hooks.example.com/services/path-secret-value",
                        "hmac-secret-value",
                        Set.of())),
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                Duration.ofMinutes(10),
                Duration.ofHours(24),
                Duration.ofSeconds(10)));

    assertThat(properties.toString())
        .contains("127.0.0.1:5000")
        .contains("robot")
        .doesNotContain("admin-secret-value")
        .doesNotContain("read-secret-value")
        .doesNotContain("registry-secret-value")
        .doesNotContain("path-secret-value")
        .doesNotContain("hmac-secret-value")
        .contains("https://hooks.example.com");
  }

  @Test
  void watchdogAndRetentionDefaultsAreGenerous() {
    RulesProperties properties =
        new Binder(
                new MapConfigurationPropertySource(
                    Map.of(
                        "autoconvert.rules.admin-token", "admin",
                        "autoconvert.rules.read-token", "read")))
            .bind("autoconvert.rules", RulesProperties.class)
            .get();

    assertThat(properties.watchdog())
        .isEqualTo(new RulesProperties.Watchdog(Duration.ofMinutes(1), Duration.ofMinutes(30), 3));
    assertThat(properties.pushEvents())
        .isEqualTo(new RulesProperties.PushEvents(Duration.ofDays(14), Duration.ofHours(1), 1000));
    assertThat(properties.jobs())
        .isEqualTo(new RulesProperties.Jobs(Duration.ofDays(90), Duration.ofHours(1), 1000));
    assertThat(properties.topics())
        .isEqualTo(
            new RulesProperties.KafkaTopics(
                "registry.push-events",
                "conversion.requests",
                "conversion.status",
                "conversion.cancellations",
                12));
  }

  @Test
  void jobsMustOutliveThePushEventsThatDeduplicateRedeliveries() {
    RulesProperties.PushEvents events =
        new RulesProperties.PushEvents(Duration.ofDays(14), Duration.ofHours(1), 1000);
    assertThat(withJobRetention(Duration.ofDays(13), events).isJobRetentionCoveringEvents())
        .isFalse();
    assertThat(withJobRetention(Duration.ofDays(14), events).isJobRetentionCoveringEvents())
        .isTrue();
  }

  private static RulesProperties withJobRetention(
      Duration retention, RulesProperties.PushEvents events) {
    return minimal(
        "admin", "read", events, new RulesProperties.Jobs(retention, Duration.ofHours(1), 1000));
  }

  /** Only what the validation rule under test reads; the rest null. */
  private static RulesProperties minimal(
      String adminToken,
      String readToken,
      RulesProperties.PushEvents events,
      RulesProperties.Jobs jobs) {
    return new RulesProperties(
        adminToken,
        readToken,
        null,
        null,
        null,
        null,
        Duration.ofSeconds(1),
        null,
        "cache",
        null,
        events,
        jobs,
        null,
        null);
  }

  @Test
  void sameTokenForAdminAndReadOnlyIsRefused() {
    RulesProperties properties = minimal("same", "same", null, null);
    assertThat(properties.isTokensDistinct()).isFalse();
  }

  @Test
  void aTokenBeingRotatedMustNotBeTheOtherRolesEither() {
    assertThat(minimal("admin-old,admin-new", "read", null, null).isTokensDistinct()).isTrue();
    assertThat(minimal("admin-old,shared", "shared,read", null, null).isTokensDistinct()).isFalse();
    assertThatThrownBy(() -> minimal(" , ", "read", null, null))
        .as("a setting of commas holds no token")
        .hasMessage("AUTOCONVERT_RULES_ADMIN_TOKEN holds no token");
  }
}
