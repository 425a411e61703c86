package dev.autoconvert.worker.testing;

import dev.autoconvert.testsupport.registry.LocalRegistry;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Worker properties for a test: its own topics, group and worker id, and one registry. */
public final class WorkerTestProperties {
  private WorkerTestProperties() {}

  /** Topics are {@code it-<name>-requests-<run>}, {@code it-<name>-status-<run>} and so on. */
  public static void register(
      DynamicPropertyRegistry properties, LocalRegistry registry, String name, String run) {
    register(properties, registry, name, run, true);
  }

  /**
   * As {@link #register(DynamicPropertyRegistry, LocalRegistry, String, String)}; without {@code
   * credentialsInEntry} the registry's entry has no user name and password (the test gives them
   * another way).
   */
  public static void register(
      DynamicPropertyRegistry properties,
      LocalRegistry registry,
      String name,
      String run,
      boolean credentialsInEntry) {
    properties.add("spring.kafka.bootstrap-servers", KafkaTestSupport::bootstrapServers);
    properties.add("spring.kafka.consumer.group-id", () -> "it-" + name + "-" + run);
    properties.add("autoconvert.worker.requests-topic", () -> requests(name, run));
    properties.add("autoconvert.worker.status-topic", () -> status(name, run));
    properties.add("autoconvert.worker.cancellations-topic", () -> cancellations(name, run));
    properties.add("autoconvert.worker.registries[0].host", registry::host);
    if (registry.tls() == null) {
      properties.add("autoconvert.worker.registries[0].plain-http", () -> "true");
    } else {
      properties.add("autoconvert.worker.ca-certificates", () -> registry.tls().ca().toString());
      if (registry.clientCertsDirectory() != null) {
        properties.add(
            "autoconvert.worker.certs-directory", () -> registry.clientCertsDirectory().toString());
      }
    }
    if (credentialsInEntry && registry.username() != null) {
      properties.add("autoconvert.worker.registries[0].username", registry::username);
      properties.add("autoconvert.worker.registries[0].password", registry::password);
    }
    properties.add("autoconvert.worker.retry.initial-backoff", () -> "500ms");
    properties.add("autoconvert.worker.retry.max-attempts", () -> "6");
    properties.add("autoconvert.worker.id", () -> name + "-worker");
  }

  public static String requests(String name, String run) {
    return "it-" + name + "-requests-" + run;
  }

  public static String status(String name, String run) {
    return "it-" + name + "-status-" + run;
  }

  public static String cancellations(String name, String run) {
    return "it-" + name + "-cancellations-" + run;
  }
}
