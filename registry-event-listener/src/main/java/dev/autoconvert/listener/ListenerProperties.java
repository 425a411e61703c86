package dev.autoconvert.listener;

import dev.autoconvert.bearer.TokenSource;
import dev.autoconvert.contracts.Topics;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration of the listener ({@code autoconvert.listener.*}).
 *
 * @param webhookToken the bearer token registries must send, or several separated by commas while
 *     one is rotated ({@code AUTOCONVERT_LISTENER_WEBHOOK_TOKEN}); this or {@code webhookTokenFile}
 *     is required, so that a listener never starts open
 * @param webhookTokenFile a file holding the tokens instead (one per line), read again when it
 *     changes: rotation without a restart ({@code AUTOCONVERT_LISTENER_WEBHOOK_TOKEN_FILE})
 * @param defaultRegistry host[:port] of the registry behind {@code /webhooks/distribution} and
 *     {@code /webhooks/harbor}, as clients and workers reach it ({@code
 *     AUTOCONVERT_LISTENER_DEFAULT_REGISTRY})
 * @param registries further registries by id, served at {@code /webhooks/{id}/distribution|harbor}
 * @param maxBodySize larger webhook bodies are refused with 413 without being read
 * @param kafkaAckTimeout how long a webhook waits for Kafka to acknowledge its events before it is
 *     answered 503; well under the 1 s a registry waits by default
 * @param pushEventsTopic where push events go ({@link Topics#PUSH_EVENTS} unless a test run or a
 *     second deployment on one broker needs its own)
 * @param pushEventsTopicPartitions partitions of that topic, where the listener creates it
 */
@ConfigurationProperties("autoconvert.listener")
@Validated
public record ListenerProperties(
    String webhookToken,
    Path webhookTokenFile,
    @NotBlank
        @Pattern(regexp = HOST_PORT, message = "must be host[:port]")
        @DefaultValue("127.0.0.1:5000")
        String defaultRegistry,
    @NotNull @DefaultValue Map<String, @Valid Registry> registries,
    @NotNull @DefaultValue("1MB") DataSize maxBodySize,
    @NotNull @DefaultValue("600ms") Duration kafkaAckTimeout,
    @NotBlank @DefaultValue(Topics.PUSH_EVENTS) String pushEventsTopic,
    @Min(1) @DefaultValue(Topics.DEFAULT_PARTITIONS) int pushEventsTopicPartitions) {

  static final String HOST_PORT = "[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?";

  private static final String WEBHOOK_TOKEN = "AUTOCONVERT_LISTENER_WEBHOOK_TOKEN";

  public ListenerProperties {
    registries = Map.copyOf(registries);
    TokenSource.of(webhookToken, webhookTokenFile, WEBHOOK_TOKEN); // fails at start, naming why
    registries.forEach((id, registry) -> registry.ownTokens(id));
  }

  /** The tokens of registries without their own. */
  public TokenSource webhookTokens() {
    return TokenSource.of(webhookToken, webhookTokenFile, WEBHOOK_TOKEN);
  }

  /**
   * A further registry.
   *
   * @param host host[:port] used as {@code PushEvent.registry}
   * @param webhookToken its own bearer token (or several, comma-separated); the global ones when
   *     neither this nor {@code webhookTokenFile} is set
   * @param webhookTokenFile a file of its own tokens instead, read again when it changes
   */
  public record Registry(
      @NotBlank @Pattern(regexp = HOST_PORT, message = "must be host[:port]") String host,
      String webhookToken,
      Path webhookTokenFile) {

    /** Its own tokens, or null for the global ones; {@code id} is its key in the registries. */
    public TokenSource ownTokens(String id) {
      boolean own = webhookToken != null && !webhookToken.isBlank() || webhookTokenFile != null;
      return own
          ? TokenSource.of(
              webhookToken,
              webhookTokenFile,
              "AUTOCONVERT_LISTENER_REGISTRIES_" + id.toUpperCase(Locale.ROOT) + "_WEBHOOK_TOKEN")
          : null;
    }

    @Override
    public String toString() {
      return "Registry[host="
          + host
          + ", webhookToken="
          + Masked.of(webhookToken)
          + ", webhookTokenFile="
          + webhookTokenFile
          + "]";
    }
  }

  @Override
  public String toString() {
    return "ListenerProperties[webhookToken="
        + Masked.of(webhookToken)
        + ", webhookTokenFile="
        + webhookTokenFile
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
        + ", pushEventsTopicPartitions="
        + pushEventsTopicPartitions
        + "]";
  }

  private static final class Masked {
    static String of(String secret) {
      return secret == null || secret.isEmpty() ? "<none>" : "<set>";
    }
  }
}
