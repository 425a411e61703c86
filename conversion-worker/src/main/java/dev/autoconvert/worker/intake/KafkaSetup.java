package dev.autoconvert.worker.intake;

import dev.autoconvert.worker.WorkerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/** The topic the worker publishes to, and how its request listener treats failures. */
@Configuration(proxyBeanMethods = false)
class KafkaSetup {

  /** Created at start where missing, as rule-service's (see its {@code KafkaSetup}). */
  @Bean
  KafkaAdmin.NewTopics publishedTopics(WorkerProperties properties) {
    return new KafkaAdmin.NewTopics(
        TopicBuilder.name(properties.statusTopic())
            .partitions(properties.statusTopicPartitions())
            .build());
  }

  /**
   * A request whose status could not be sent is delivered again, for ever, with growing pauses: the
   * default handler would skip it after ten tries and the job would never finish.
   */
  @Bean
  CommonErrorHandler requestErrorHandler() {
    ExponentialBackOff backOff = new ExponentialBackOff(1_000, 2);
    backOff.setMaxInterval(60_000);
    return new DefaultErrorHandler(backOff);
  }
}
