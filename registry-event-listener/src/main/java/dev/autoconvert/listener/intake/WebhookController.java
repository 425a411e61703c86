package dev.autoconvert.listener.intake;

import dev.autoconvert.contracts.PushEvent;
import dev.autoconvert.listener.ListenerProperties;
import dev.autoconvert.listener.publish.KafkaUnavailableException;
import dev.autoconvert.listener.publish.PushEventPublisher;
import dev.autoconvert.listener.publish.RecentlyPublished;
import dev.autoconvert.listener.security.WebhookAuthenticator;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /webhooks/{format}} and {@code POST /webhooks/{registry}/{format}}. In order:
 * registry known (404), token (401, before the body is read), content type (415), size (413), JSON
 * shape (400), then every kept event published and acknowledged by Kafka (else 503); only then 202.
 * Well-formed events that are ignored are acknowledged too: a registry retries any other answer
 * forever and holds back the events queued behind it.
 */
@RestController
class WebhookController {
  private static final Logger log = LoggerFactory.getLogger(WebhookController.class);
  private static final String DEFAULT_REGISTRY_ID = "default";

  private final Map<String, WebhookFormat> formats;
  private final WebhookAuthenticator authenticator;
  private final PushEventPublisher publisher;
  private final RecentlyPublished recentlyPublished;
  private final IntakeMetrics metrics;
  private final ListenerProperties properties;
  private final JsonMapper json =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  WebhookController(
      List<WebhookFormat> formats,
      WebhookAuthenticator authenticator,
      PushEventPublisher publisher,
      RecentlyPublished recentlyPublished,
      IntakeMetrics metrics,
      ListenerProperties properties) {
    this.formats =
        formats.stream().collect(Collectors.toMap(WebhookFormat::name, Function.identity()));
    this.authenticator = authenticator;
    this.publisher = publisher;
    this.recentlyPublished = recentlyPublished;
    this.metrics = metrics;
    this.properties = properties;
  }

  @PostMapping("/webhooks/{format:distribution|harbor}")
  ResponseEntity<Map<String, Object>> defaultRegistry(
      @PathVariable String format, HttpServletRequest request) {
    return intake(format, null, request);
  }

  @PostMapping("/webhooks/{registry}/{format:distribution|harbor}")
  ResponseEntity<Map<String, Object>> namedRegistry(
      @PathVariable String registry, @PathVariable String format, HttpServletRequest request) {
    return intake(format, registry, request);
  }

  private ResponseEntity<Map<String, Object>> intake(
      String formatName, String registryId, HttpServletRequest request) {
    long startedAt = System.nanoTime();
    Instant receivedAt = Instant.now();
    WebhookFormat format = formats.get(formatName);
    request.setAttribute(Attributes.FORMAT, formatName);
    String host = registryHost(registryId);
    // Set only once the id is known to be configured: metric tags must not grow with bad requests.
    request.setAttribute(
        Attributes.REGISTRY, registryId == null ? DEFAULT_REGISTRY_ID : registryId);
    if (!authenticator.authenticates(registryId, request.getHeader(HttpHeaders.AUTHORIZATION))) {
      throw new Rejection(
          Rejection.Reason.UNAUTHORIZED, "missing or wrong Authorization: Bearer token");
    }
    checkContentType(format, request.getContentType());
    Triage triage =
        withoutRecentlyPublished(format.read(parse(readBody(request)), host, receivedAt));

    String metricRegistry = (String) request.getAttribute(Attributes.REGISTRY);
    metrics.received(formatName, metricRegistry, triage.received());
    triage.ignored().forEach(reason -> metrics.ignored(formatName, metricRegistry, reason));
    if (!triage.kept().isEmpty()) {
      publish(triage.kept(), startedAt, formatName, metricRegistry);
    }
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .body(Map.of("published", triage.kept().size(), "ignored", triage.ignored().size()));
  }

  private Triage withoutRecentlyPublished(Triage triage) {
    Triage.Builder fresh = new Triage.Builder();
    triage.ignored().forEach(fresh::ignore);
    for (PushEvent event : triage.kept()) {
      if (recentlyPublished.contains(event)) {
        fresh.ignore(IgnoreReason.DUPLICATE);
      } else {
        fresh.keep(event);
      }
    }
    return fresh.build();
  }

  private String registryHost(String registryId) {
    if (registryId == null) {
      return properties.defaultRegistry();
    }
    ListenerProperties.Registry registry = properties.registries().get(registryId);
    if (registry == null) {
      throw new Rejection(
          Rejection.Reason.UNKNOWN_REGISTRY, "no registry configured with id " + quote(registryId));
    }
    return registry.host();
  }

  private static void checkContentType(WebhookFormat format, String contentType) {
    // A missing Content-Type is read as JSON: the body decides whether it is one.
    if (contentType == null) {
      return;
    }
    int parameters = contentType.indexOf(';');
    String mediaType =
        (parameters < 0 ? contentType : contentType.substring(0, parameters))
            .trim()
            .toLowerCase(Locale.ROOT);
    if (!format.mediaTypes().contains(mediaType)) {
      throw new Rejection(
          Rejection.Reason.UNSUPPORTED_MEDIA_TYPE,
          format.name()
              + " webhooks are sent as one of "
              + format.mediaTypes()
              + ", not "
              + quote(mediaType));
    }
  }

  private byte[] readBody(HttpServletRequest request) {
    long limit = properties.maxBodySize().toBytes();
    if (request.getContentLengthLong() > limit) {
      throw tooLarge(limit);
    }
    try (InputStream in = request.getInputStream()) {
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      if (body.length > limit) {
        throw tooLarge(limit);
      }
      return body;
    } catch (IOException e) {
      throw new Rejection(Rejection.Reason.MALFORMED, "cannot read the body: " + e.getMessage());
    }
  }

  private static Rejection tooLarge(long limit) {
    return new Rejection(
        Rejection.Reason.TOO_LARGE,
        "body exceeds autoconvert.listener.max-body-size (" + limit + " bytes)");
  }

  private JsonNode parse(byte[] body) {
    if (body.length == 0) {
      throw new MalformedWebhookException("body is empty");
    }
    try {
      return json.readTree(body);
    } catch (JacksonException e) {
      throw new MalformedWebhookException("body is not JSON: " + e.getOriginalMessage());
    }
  }

  private void publish(List<PushEvent> events, long startedAt, String format, String registryId) {
    long sendStart = System.nanoTime();
    try {
      publisher.publishAll(events, startedAt);
    } catch (KafkaUnavailableException e) {
      metrics.kafkaAck(Duration.ofNanos(System.nanoTime() - sendStart), false);
      log.warn(
          "{} event(s) from {} not stored, answering 503: {}",
          events.size(),
          registryId,
          e.getMessage());
      throw new Rejection(
          Rejection.Reason.KAFKA_UNAVAILABLE, "Kafka is unavailable; deliver again");
    }
    metrics.kafkaAck(Duration.ofNanos(System.nanoTime() - sendStart), true);
    recentlyPublished.add(events);
    metrics.published(format, registryId, events.size());
    for (PushEvent event : events) {
      log.info(
          "published {} {}@{} (event {})",
          event.origin(),
          event.key(),
          event.digest(),
          event.eventId());
    }
  }

  @ExceptionHandler(MalformedWebhookException.class)
  ResponseEntity<ProblemDetail> malformed(MalformedWebhookException e, HttpServletRequest request) {
    return rejected(new Rejection(Rejection.Reason.MALFORMED, e.getMessage()), request);
  }

  @ExceptionHandler(Rejection.class)
  ResponseEntity<ProblemDetail> rejected(Rejection e, HttpServletRequest request) {
    Rejection.Reason reason = e.reason();
    String format = String.valueOf(request.getAttribute(Attributes.FORMAT));
    Object registryAttribute = request.getAttribute(Attributes.REGISTRY);
    String registryId = registryAttribute == null ? "unknown" : registryAttribute.toString();
    metrics.rejected(format, registryId, reason);
    if (reason != Rejection.Reason.KAFKA_UNAVAILABLE) {
      log.info(
          "rejected {} webhook for {}: {} ({})", format, registryId, reason.tag(), e.getMessage());
    }
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(reason.status(), e.getMessage());
    problem.setType(URI.create("urn:autoconvert:listener:" + reason.tag()));
    problem.setTitle(reason.title());
    problem.setProperty("reason", reason.tag());
    ResponseEntity.BodyBuilder answer = ResponseEntity.status(reason.status());
    if (reason == Rejection.Reason.UNAUTHORIZED) {
      answer.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    }
    return answer.body(problem);
  }

  private static String quote(String value) {
    return OciNames.quote(value);
  }

  private static final class Attributes {
    static final String FORMAT = WebhookController.class.getName() + ".format";
    static final String REGISTRY = WebhookController.class.getName() + ".registry";
  }
}
