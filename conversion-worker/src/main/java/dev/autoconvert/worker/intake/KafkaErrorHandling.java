package dev.autoconvert.worker.intake;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

@Configuration(proxyBeanMethods = false)
class KafkaErrorHandling {

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
