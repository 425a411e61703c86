package dev.autoconvert.rules;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/** The topics rule-service publishes to, and the error handling both its listeners share. */
@Configuration(proxyBeanMethods = false)
class KafkaSetup {
  private static final Logger log = LoggerFactory.getLogger(KafkaSetup.class);

  /**
   * Created at start where missing (brokers that create no topics on first use, as managed ones
   * often are), with the broker's replication factor; existing ones keep theirs, and gain
   * partitions when more are configured.
   */
  @Bean
  KafkaAdmin.NewTopics publishedTopics(RulesProperties properties) {
    RulesProperties.KafkaTopics topics = properties.topics();
    return new KafkaAdmin.NewTopics(
        TopicBuilder.name(topics.conversionRequests()).partitions(topics.partitions()).build(),
        TopicBuilder.name(topics.conversionCancellations())
            .partitions(topics.partitions())
            .build());
  }

  /**
   * A failing message (database down, say) is retried without end, so no event is ever skipped
   * (invariant 1); only a message that can never be read is logged and skipped.
   */
  @Bean
  CommonErrorHandler kafkaErrorHandler() {
    ExponentialBackOff backOff = new ExponentialBackOff(200, 2.0);
    backOff.setMaxInterval(10_000);
    DefaultErrorHandler handler =
        new DefaultErrorHandler(
            (record, e) ->
                log.error(
                    "skipping unreadable message {}-{}@{}: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.getCause() == null ? e.getMessage() : e.getCause().getMessage()),
            backOff);
    handler.addNotRetryableExceptions(MalformedEventException.class);
    return handler;
  }
}
