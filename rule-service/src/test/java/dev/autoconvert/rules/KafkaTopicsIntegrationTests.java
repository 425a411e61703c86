package dev.autoconvert.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.testsupport.kafka.TestTopics;
import org.junit.jupiter.api.Test;

/**
 * rule-service creates the topics it publishes to, so it runs on brokers that create none on first
 * use; the broker here would give a topic it creates 3 partitions, not the 12 rule-service asks
 * for.
 */
class KafkaTopicsIntegrationTests extends IntegrationTestSupport {

  @Test
  void theTopicsRuleServicePublishesToExistWithTheConfiguredPartitions() throws Exception {
    assertThat(TestTopics.partitions(KAFKA, REQUESTS_TOPIC)).isEqualTo(12);
    assertThat(TestTopics.partitions(KAFKA, CANCELLATIONS_TOPIC)).isEqualTo(12);
  }
}
