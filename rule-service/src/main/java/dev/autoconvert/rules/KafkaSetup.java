package dev.autoconvert.rules;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/** Kafka consumer error handling shared by both listeners. */
@Configuration(proxyBeanMethods = false)
class KafkaSetup {
  private static final Logger log = LoggerFactory.getLogger(KafkaSetup.class);

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
