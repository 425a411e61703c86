package dev.autoconvert.listener.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.listener.ListenerProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The producer settings the listener ships with, checked without a broker. */
class PublisherStartupTests {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class))
          .withUserConfiguration(Config.class)
          .withPropertyValues(
              "autoconvert.listener.webhook-token=t",
              "spring.kafka.bootstrap-servers=127.0.0.1:1",
              "spring.kafka.producer.acks=all",
              "spring.kafka.producer.key-serializer="
                  + "org.apache.kafka.common.serialization.StringSerializer",
              "spring.kafka.producer.value-serializer="
                  + "org.apache.kafka.common.serialization.ByteArraySerializer",
              "spring.kafka.producer.properties.enable.idempotence=true",
              "spring.kafka.producer.properties.linger.ms=0",
              "spring.kafka.producer.properties.max.block.ms=400",
              "spring.kafka.producer.properties.request.timeout.ms=400",
              "spring.kafka.producer.properties.delivery.timeout.ms=800");

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(ListenerProperties.class)
  @Import(PushEventPublisher.class)
  static class Config {}

  @Test
  void startsWithTheShippedSettingsAndNoBroker() {
    runner.run(context -> assertThat(context).hasSingleBean(PushEventPublisher.class));
  }

  @Test
  void deliveryTimeoutShorterThanLingerPlusRequestTimeoutFailsTheStart() {
    runner
        .withPropertyValues("spring.kafka.producer.properties.delivery.timeout.ms=100")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .hasMessageContaining("delivery.timeout.ms"));
  }

  @Test
  void acksOtherThanAllFailsTheStart() {
    runner
        .withPropertyValues("spring.kafka.producer.acks=1")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .hasMessageContaining("acks must be 'all'"));
  }
}
