package dev.autoconvert.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.unit.DataSize;

class ListenerPropertiesTests {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
          .withUserConfiguration(Config.class);

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(ListenerProperties.class)
  static class Config {}

  @Test
  void startupFailsWithoutAWebhookToken() {
    runner.run(
        context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure())
              .rootCause()
              .hasMessageContaining(
                  "AUTOCONVERT_LISTENER_WEBHOOK_TOKEN or AUTOCONVERT_LISTENER_WEBHOOK_TOKEN_FILE"
                      + " must be set");
        });
  }

  @Test
  void environmentVariableNamesBindWithDefaults() {
    Map<String, Object> environment =
        Map.of(
            "AUTOCONVERT_LISTENER_WEBHOOK_TOKEN", "tok-123",
            "AUTOCONVERT_LISTENER_DEFAULT_REGISTRY", "registry.local:5000",
            "AUTOCONVERT_LISTENER_REGISTRIES_HARBORPROD_HOST", "harbor.example.com");
    runner
        .withInitializer(
            context ->
                context
                    .getEnvironment()
                    .getPropertySources()
                    .addFirst(
                        new SystemEnvironmentPropertySource("test-systemEnvironment", environment)))
        .run(
            context -> {
              ListenerProperties properties = context.getBean(ListenerProperties.class);
              assertThat(properties.webhookToken()).isEqualTo("tok-123");
              assertThat(properties.defaultRegistry()).isEqualTo("registry.local:5000");
              assertThat(properties.registries()).containsOnlyKeys("harborprod");
              assertThat(properties.registries().get("harborprod").host())
                  .isEqualTo("harbor.example.com");
              assertThat(properties.maxBodySize()).isEqualTo(DataSize.ofMegabytes(1));
              assertThat(properties.kafkaAckTimeout()).isEqualTo(Duration.ofMillis(600));
            });
  }

  @Test
  void registryHostMustBeHostAndPort() {
    runner
        .withPropertyValues(
            "autoconvert.listener.webhook-token=tok",
            "autoconvert.listener.default-registry=http://registry/")
        .run(context -> assertThat(context).hasFailed());
  }

  @Test
  void toStringNeverShowsTokens() {
    ListenerProperties properties =
        new ListenerProperties(
            "global-secret",
            null,
            "127.0.0.1:5000",
            Map.of("h", new ListenerProperties.Registry("h.example.com", "registry-secret", null)),
            DataSize.ofMegabytes(1),
            Duration.ofMillis(600),
            "registry.push-events",
            12);

    assertThat(properties.toString())
        .doesNotContain("global-secret")
        .doesNotContain("registry-secret")
        .contains("h.example.com");
  }
}
