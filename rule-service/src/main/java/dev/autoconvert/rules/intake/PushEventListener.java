package dev.autoconvert.rules.intake;

import dev.autoconvert.contracts.JsonCodec;
import dev.autoconvert.contracts.PushEvent;
import dev.autoconvert.contracts.Topics;
import dev.autoconvert.rules.MalformedEventException;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;

/** Consumes {@code registry.push-events} (consumer group {@code rule-service}). */
@Component
class PushEventListener {
  private static final Logger log = LoggerFactory.getLogger(PushEventListener.class);

  private final PushIntake intake;
  private final ContentCheck contentCheck;
  private final MeterRegistry meters;

  PushEventListener(PushIntake intake, ContentCheck contentCheck, MeterRegistry meters) {
    this.intake = intake;
    this.contentCheck = contentCheck;
    this.meters = meters;
  }

  // the group is spring.kafka.consumer.group-id (rule-service), not the listener id
  @KafkaListener(
      id = "push-events",
      idIsGroup = false,
      topics = "${autoconvert.rules.topics.push-events:" + Topics.PUSH_EVENTS + "}")
  void onPush(ConsumerRecord<String, byte[]> record) throws InterruptedException {
    PushEvent event;
    try {
      event = PushIntake.checked(JsonCodec.decode(record.value(), PushEvent.class));
    } catch (JacksonException | IllegalArgumentException e) {
      throw MalformedEventException.unreadable("push event", record, e);
    }
    // a redelivery is a DUPLICATE whatever its content: no need to wait for or read anything
    boolean nydusImage = !intake.seen(event.eventId()) && contentCheck.isNydusImage(event);
    PushIntake.Accepted accepted = intake.accept(event, nydusImage);
    meters.counter("autoconvert.push.events", "outcome", accepted.outcome().name()).increment();
    accepted
        .rules()
        .forEach(
            rule -> meters.counter("autoconvert.rule.matches", "rule", rule.getName()).increment());
    log.info(
        "push {} {}/{}:{} {} -> {} ({} rules)",
        event.eventId(),
        event.registry(),
        event.repository(),
        event.tag(),
        event.digest(),
        accepted.outcome(),
        accepted.rules().size());
  }
}
