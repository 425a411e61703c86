package dev.autoconvert.testsupport.kafka;

import dev.autoconvert.testsupport.net.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real single-node Kafka (KRaft, broker and controller in one) in its own JVM, on free loopback
 * ports with its own data directory, for tests that must see Kafka go away and come back: {@link
 * #stop()} shuts it down like an operator would, {@link #start()} brings it back on the same ports
 * over the same data.
 *
 * <p>The broker jars come from {@code -Dautoconvert.kafka.lib}, else {@code AUTOCONVERT_KAFKA_LIB},
 * else {@code <repo root>/.autoconvert/kafka/lib} (filled by {@code ./autoconvert} from {@code
 * infra/kafka-broker/pom.xml}). The repository root is the nearest directory above the working
 * directory holding {@code autoconvert} or {@code .git}.
 */
public final class KafkaBroker implements AutoCloseable {
  /** Logged once the broker accepts clients (kafka.server.KafkaRaftServer). */
  private static final String READY_LINE = "Kafka Server started";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final Path libDir;
  private final Path workDir;
  private final int brokerPort;
  private final int controllerPort;
  private final Thread reaper = new Thread(this::kill, "kafka-broker-reaper");
  private Process process;

  private KafkaBroker(Path libDir, Path workDir, int brokerPort, int controllerPort) {
    this.libDir = libDir;
    this.workDir = workDir;
    this.brokerPort = brokerPort;
    this.controllerPort = controllerPort;
  }

  /** Formats a fresh data directory and starts the broker; returns once it accepts clients. */
  public static KafkaBroker start(String name) {
    Path lib = libDir();
    for (int attempt = 1; ; attempt++) {
      KafkaBroker broker = prepare(lib, name);
      try {
        broker.start();
        return broker;
      } catch (IllegalStateException e) {
        // Free ports are picked before the broker binds them: another process may win the race.
        boolean portTaken = broker.logContains("Address already in use");
        broker.close();
        if (!portTaken || attempt == 3) {
          throw e;
        }
      }
    }
  }

  private static KafkaBroker prepare(Path lib, String name) {
    try {
      Path work = Files.createTempDirectory("kafka-" + name + "-");
      int[] ports = FreePorts.distinct(2);
      KafkaBroker broker = new KafkaBroker(lib, work, ports[0], ports[1]);
      broker.writeConfig();
      broker.format();
      Runtime.getRuntime().addShutdownHook(broker.reaper);
      return broker;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare a Kafka broker in a temp directory", e);
    }
  }

  /** {@code 127.0.0.1:<port>}, the same across stop and start. */
  public String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  public Path dataDir() {
    return workDir.resolve("data");
  }

  public synchronized boolean running() {
    return process != null && process.isAlive();
  }

  /** Starts the stopped broker over its existing data; returns once it accepts clients. */
  public synchronized void start() {
    if (running()) {
      throw new IllegalStateException("Kafka broker on " + bootstrapServers() + " already runs");
    }
    Path log = workDir.resolve("broker.log");
    try {
      // slf4j-simple truncates its log file: keep the previous run's log aside for diagnosis.
      if (Files.exists(log)) {
        Files.move(
            log, workDir.resolve("broker-previous.log"), StandardCopyOption.REPLACE_EXISTING);
      }
      List<String> command = new ArrayList<>(java());
      command.addAll(
          List.of(
              "-Xms128m",
              "-Xmx384m",
              "-XX:+UseSerialGC",
              "-XX:TieredStopAtLevel=1",
              "-Djava.awt.headless=true",
              "-Dorg.slf4j.simpleLogger.showDateTime=true",
              "-Dorg.slf4j.simpleLogger.logFile=" + log,
              "-cp",
              classpath(),
              "kafka.Kafka",
              workDir.resolve("server.properties").toString()));
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(
                  ProcessBuilder.Redirect.appendTo(workDir.resolve("broker.out").toFile()))
              .start();
      awaitReady(log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the Kafka broker in " + workDir, e);
    }
  }

  /**
   * Stops the broker with SIGTERM (a controlled shutdown, as an operator would) and waits until the
   * process is gone and its port refuses connections.
   */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    process = null;
  }

  /** Stops the broker and deletes its data. */
  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is exiting; the hook runs anyway
    }
    deleteRecursively(workDir);
  }

  private synchronized void kill() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  private void writeConfig() throws IOException {
    String properties =
        String.join(
            "\n",
            "process.roles=broker,controller",
            "node.id=1",
            "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
            "listeners=PLAINTEXT://127.0.0.1:"
                + brokerPort
                + ",CONTROLLER://127.0.0.1:"
                + controllerPort,
            "advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPort,
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs=" + dataDir(),
            "auto.create.topics.enable=false",
            // one partition each: a restart loads 1 offsets partition instead of 50
            "offsets.topic.num.partitions=1",
            "offsets.topic.replication.factor=1",
            "transaction.state.log.num.partitions=1",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "");
    Files.writeString(workDir.resolve("server.properties"), properties, StandardCharsets.UTF_8);
  }

  private void format() throws IOException {
    List<String> command = new ArrayList<>(java());
    command.addAll(
        List.of(
            "-XX:TieredStopAtLevel=1",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-cp",
            classpath(),
            "kafka.tools.StorageTool",
            "format",
            "--cluster-id=" + clusterId(),
            "--config=" + workDir.resolve("server.properties")));
    Process format = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(format.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (format.waitFor() != 0) {
        throw new IllegalStateException(
            "kafka StorageTool format failed in " + workDir + ":\n" + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while formatting Kafka storage", e);
    }
  }

  private void awaitReady(Path log) throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log)
          && new String(Files.readAllBytes(log), StandardCharsets.UTF_8).contains(READY_LINE)
          && accepts(brokerPort)) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Kafka broker exited with "
                + process.exitValue()
                + " before it was ready; "
                + tail(workDir.resolve("broker.out"))
                + tail(log));
      }
      sleep(50);
    }
    kill();
    throw new IllegalStateException(
        "Kafka broker not ready after " + START_TIMEOUT + "; " + tail(log));
  }

  private boolean logContains(String text) {
    Path log = workDir.resolve("broker.log");
    try {
      return Files.exists(log)
          && new String(Files.readAllBytes(log), StandardCharsets.UTF_8).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private String classpath() {
    // java expands a trailing "*" in a classpath entry to every jar in that directory
    return libDir.resolve("*").toString();
  }

  private static List<String> java() {
    return List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
  }

  /**
   * A KRaft cluster id is a random UUID, base64url without padding, never starting with '-' (as
   * Kafka's Uuid.randomUuid makes them, so that no tool reads it as an option).
   */
  private static String clusterId() {
    SecureRandom random = new SecureRandom();
    byte[] bytes = new byte[16];
    String id;
    do {
      random.nextBytes(bytes);
      id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    } while (id.startsWith("-"));
    return id;
  }

  static Path libDir() {
    String configured = System.getProperty("autoconvert.kafka.lib");
    if (configured == null || configured.isBlank()) {
      configured = System.getenv("AUTOCONVERT_KAFKA_LIB");
    }
    Path lib =
        configured == null || configured.isBlank()
            ? repositoryRoot().resolve(".autoconvert/kafka/lib")
            : Paths.get(configured);
    if (!containsKafkaJar(lib)) {
      throw new IllegalStateException(
          "no Kafka broker jars (kafka_2.13-*.jar) in "
              + lib
              + ": run ./autoconvert up once, or set AUTOCONVERT_KAFKA_LIB to a directory made by"
              + " 'mvn -f infra/kafka-broker/pom.xml dependency:copy-dependencies'");
    }
    return lib;
  }

  private static boolean containsKafkaJar(Path lib) {
    if (!Files.isDirectory(lib)) {
      return false;
    }
    try (Stream<Path> jars = Files.list(lib)) {
      return jars.anyMatch(jar -> jar.getFileName().toString().startsWith("kafka_2.13-"));
    } catch (IOException e) {
      return false;
    }
  }

  static Path repositoryRoot() {
    Path start = Paths.get("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("autoconvert")) || Files.exists(dir.resolve(".git"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "no repository root (a directory with 'autoconvert' or '.git') above " + start);
  }

  private static String tail(Path file) {
    try {
      if (!Files.exists(file)) {
        return "";
      }
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return "\n--- "
          + file
          + " (last lines) ---\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
    } catch (IOException e) {
      return "\n(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  @Override
  public String toString() {
    return "KafkaBroker[" + bootstrapServers() + ", " + workDir + "]";
  }
}
