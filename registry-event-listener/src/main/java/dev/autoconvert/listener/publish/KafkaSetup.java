package dev.autoconvert.listener.publish;

import dev.autoconvert.listener.ListenerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

/** The topic the listener publishes to. */
@Configuration(proxyBeanMethods = false)
class KafkaSetup {

  /** Created at start where missing, as rule-service's (see its {@code KafkaSetup}). */
  @Bean
  KafkaAdmin.NewTopics publishedTopics(ListenerProperties properties) {
    return new KafkaAdmin.NewTopics(
        TopicBuilder.name(properties.pushEventsTopic())
            .partitions(properties.pushEventsTopicPartitions())
            .build());
  }
}
