package dev.autoconvert.listener.publish;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProducerConfigCheckTests {
  private static final Duration ACK_TIMEOUT = Duration.ofMillis(600);

  private static Map<String, Object> config(String acks, Object idempotence, Object maxBlock) {
    Map<String, Object> config = new HashMap<>();
    config.put("acks", acks);
    if (idempotence != null) {
      config.put("enable.idempotence", idempotence);
    }
    if (maxBlock != null) {
      config.put("max.block.ms", maxBlock);
    }
    return config;
  }

  @Test
  void acceptsAcksAllIdempotentAndBoundedBlocking() {
    assertThatCode(
            () -> PushEventPublisher.checkProducerConfig(config("all", "true", "400"), ACK_TIMEOUT))
        .doesNotThrowAnyException();
    assertThatCode(
            () -> PushEventPublisher.checkProducerConfig(config("-1", null, 600), ACK_TIMEOUT))
        .doesNotThrowAnyException();
  }

  @Test
  void refusesAcksOtherThanAll() {
    assertThatThrownBy(
            () -> PushEventPublisher.checkProducerConfig(config("1", "true", "400"), ACK_TIMEOUT))
        .hasMessageContaining("acks must be 'all'");
  }

  @Test
  void refusesDisabledIdempotence() {
    assertThatThrownBy(
            () ->
                PushEventPublisher.checkProducerConfig(config("all", "false", "400"), ACK_TIMEOUT))
        .hasMessageContaining("enable.idempotence");
  }

  @Test
  void refusesBlockingLongerThanTheAckTimeout() {
    assertThatThrownBy(
            () ->
                PushEventPublisher.checkProducerConfig(config("all", "true", "60000"), ACK_TIMEOUT))
        .hasMessageContaining("max.block.ms");
    assertThatThrownBy(
            () -> PushEventPublisher.checkProducerConfig(config("all", "true", null), ACK_TIMEOUT))
        .hasMessageContaining("max.block.ms");
  }
}
