package dev.autoconvert.worker.testing;

import dev.autoconvert.testsupport.registry.LocalRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The worker jar ({@code target/conversion-worker.jar}) as a separate JVM, as in production. */
public final class WorkerProcess implements AutoCloseable {
  public static final Path JAR = Path.of("target/conversion-worker.jar");

  private final Process process;

  private WorkerProcess(Process process) {
    this.process = process;
  }

  public static boolean jarBuilt() {
    return Files.isRegularFile(JAR);
  }

  /** Starts a worker of test {@code name}/{@code run} (its topics and group) named {@code id}. */
  public static WorkerProcess start(
      LocalRegistry registry,
      String name,
      String run,
      String id,
      Path scratch,
      Path log,
      String... extraArguments)
      throws IOException {
    return start(registry, registry.host(), Map.of(), name, run, id, scratch, log, extraArguments);
  }

  /**
   * As {@link #start(LocalRegistry, String, String, String, Path, Path, String...)}, the worker
   * reaching the registry as {@code host} (a name only a proxy resolves, say), with {@code
   * environment} added to this JVM's, whose proxy variables it never inherits.
   */
  public static WorkerProcess start(
      LocalRegistry registry,
      String host,
      Map<String, String> environment,
      String name,
      String run,
      String id,
      Path scratch,
      Path log,
      String... extraArguments)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                // start faster: tests start several workers
                "-XX:TieredStopAtLevel=1",
                "-jar",
                JAR.toString(),
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + KafkaTestSupport.bootstrapServers(),
                "--spring.kafka.consumer.group-id=it-" + name + "-" + run,
                // a dead member's partitions go to the others after this
                "--spring.kafka.consumer.properties.session.timeout.ms=6000",
                "--spring.kafka.consumer.properties.heartbeat.interval.ms=1000",
                "--autoconvert.worker.requests-topic=" + WorkerTestProperties.requests(name, run),
                "--autoconvert.worker.status-topic=" + WorkerTestProperties.status(name, run),
                "--autoconvert.worker.cancellations-topic="
                    + WorkerTestProperties.cancellations(name, run),
                "--autoconvert.worker.registries[0].host=" + host,
                "--autoconvert.worker.registries[0].plain-http=" + (registry.tls() == null),
                "--autoconvert.worker.scratch-dir=" + scratch,
                "--autoconvert.worker.id=" + id));
    if (registry.tls() != null) {
      command.add("--autoconvert.worker.ca-certificates=" + registry.tls().ca());
    }
    command.addAll(List.of(extraArguments));
    ProcessBuilder process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    process.environment().keySet().removeIf(k -> k.toLowerCase(Locale.ROOT).endsWith("_proxy"));
    process.environment().putAll(environment);
    return new WorkerProcess(process.start());
  }

  /** Waits until the worker's log says Kafka assigned it partitions. */
  public static void awaitPartitions(Path log, java.time.Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains("partitions assigned: [it-")) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("worker logging to " + log + " got no partitions in " + timeout);
  }

  /** SIGKILL: no shutdown hooks, nothing acknowledged or cleaned up. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }
}
