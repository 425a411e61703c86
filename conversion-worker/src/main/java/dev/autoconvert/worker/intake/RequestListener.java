package dev.autoconvert.worker.intake;

import dev.autoconvert.contracts.ConversionRequest;
import dev.autoconvert.contracts.JsonCodec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.stereotype.Component;

/**
 * Takes conversion requests from Kafka and acknowledges each only after its terminal status was
 * sent, or after a stopping worker queued it again: a worker killed mid-conversion leaves the
 * request unacknowledged, so another worker (or this one, restarted) converts it again.
 */
@Component
class RequestListener {
  private static final Logger log = LoggerFactory.getLogger(RequestListener.class);

  private final JobRunner runner;

  RequestListener(JobRunner runner) {
    this.runner = runner;
  }

  @KafkaListener(
      id = "conversion-requests",
      // the group is spring.kafka.consumer.group-id (conversion-worker), not the listener id
      idIsGroup = false,
      topics = "${autoconvert.worker.requests-topic:conversion.requests}",
      concurrency = "${autoconvert.worker.concurrency:2}")
  void onRequest(ConsumerRecord<String, byte[]> record, Acknowledgment ack) {
    ConversionRequest request;
    try {
      request = JsonCodec.decode(record.value(), ConversionRequest.class);
    } catch (RuntimeException e) {
      log.error(
          "dropping unreadable conversion request at {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.toString());
      ack.acknowledge();
      return;
    }
    if (request.jobId() == null) {
      log.error("dropping conversion request without a job id, key {}", record.key());
      ack.acknowledge();
      return;
    }
    long queuedMillis = Math.max(0, System.currentTimeMillis() - record.timestamp());
    if (runner.run(request, queuedMillis)) {
      ack.acknowledge();
    }
  }
}
