package dev.autoconvert.contracts;

/** Kafka topic names shared by the services. */
public final class Topics {
  /** Normalised registry push events, keyed by {@code registry/repository:tag}. */
  public static final String PUSH_EVENTS = "registry.push-events";

  /** Conversion requests from rule-service to the workers, keyed by the target reference. */
  public static final String CONVERSION_REQUESTS = "conversion.requests";

  /** Job status updates from the workers to rule-service, keyed by job id. */
  public static final String CONVERSION_STATUS = "conversion.status";

  /** Jobs an operator cancelled, from rule-service to every worker, keyed by job id. */
  public static final String CONVERSION_CANCELLATIONS = "conversion.cancellations";

  /**
   * Partitions of a topic a service creates, unless configured: the most consumer threads that can
   * share one (12 divides evenly among 1, 2, 3, 4 or 6 consumers).
   */
  public static final String DEFAULT_PARTITIONS = "12";

  private Topics() {}
}
