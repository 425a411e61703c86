package dev.autoconvert.listener;

import dev.autoconvert.contracts.Topics;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration of the listener ({@code autoconvert.listener.*}).
 *
 * @param webhookToken the bearer token registries must send, or several separated by commas while
 *     one is rotated; required, so that a listener never starts open ({@code
 *     AUTOCONVERT_LISTENER_WEBHOOK_TOKEN})
 * @param defaultRegistry host[:port] of the registry behind {@code /webhooks/distribution} and
 *     {@code /webhooks/harbor}, as clients and workers reach it ({@code
 *     AUTOCONVERT_LISTENER_DEFAULT_REGISTRY})
 * @param registries further registries by id, served at {@code /webhooks/{id}/distribution|harbor}
 * @param maxBodySize larger webhook bodies are refused with 413 without being read
 * @param kafkaAckTimeout how long a webhook waits for Kafka to acknowledge its events before it is
 *     answered 503; well under the 1 s a registry waits by default
 * @param pushEventsTopic where push events go ({@link Topics#PUSH_EVENTS} unless a test run or a
 *     second deployment on one broker needs its own)
 */
@ConfigurationProperties("autoconvert.listener")
@Validated
public record ListenerProperties(
    @NotBlank String webhookToken,
    @NotBlank
        @Pattern(regexp = HOST_PORT, message = "must be host[:port]")
        @DefaultValue("127.0.0.1:5000")
        String defaultRegistry,
    @NotNull @DefaultValue Map<String, @Valid Registry> registries,
    @NotNull @DefaultValue("1MB") DataSize maxBodySize,
    @NotNull @DefaultValue("600ms") Duration kafkaAckTimeout,
    @NotBlank @DefaultValue(Topics.PUSH_EVENTS) String pushEventsTopic) {

  static final String HOST_PORT = "[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?";

  public ListenerProperties {
    registries = Map.copyOf(registries);
  }

  /**
   * A further registry.
   *
   * @param host host[:port] used as {@code PushEvent.registry}
   * @param webhookToken its own bearer token (or several, comma-separated); the global ones when
   *     empty
   */
  public record Registry(
      @NotBlank @Pattern(regexp = HOST_PORT, message = "must be host[:port]") String host,
      String webhookToken) {

    @Override
    public String toString() {
      return "Registry[host=" + host + ", webhookToken=" + Masked.of(webhookToken) + "]";
    }
  }

  @Override
  public String toString() {
    return "ListenerProperties[webhookToken="
        + Masked.of(webhookToken)
        + ", defaultRegistry="
        + defaultRegistry
        + ", registries="
        + registries
        + ", maxBodySize="
        + maxBodySize
        + ", kafkaAckTimeout="
        + kafkaAckTimeout
        + ", pushEventsTopic="
        + pushEventsTopic
        + "]";
  }

  private static final class Masked {
    static String of(String secret) {
      return secret == null || secret.isEmpty() ? "<none>" : "<set>";
    }
  }
}
