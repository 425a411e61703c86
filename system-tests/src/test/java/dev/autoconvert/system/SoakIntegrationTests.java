package dev.autoconvert.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A soak run under faults ({@code ./autoconvert soak}): for {@code soak.minutes}, images are pushed
 * to a few tags in random order while a second thread kills a worker, rule-service or the listener
 * with SIGKILL now and then and restarts it with {@code ./autoconvert up}. Afterwards every tag's
 * Nydus copy must show its newest push (invariants 3 and 4), every job must have ended and none
 * failed (6), there must be exactly one job per push that changed a tag's content (1), the copies
 * must pass {@code ./autoconvert check}, and the workers' scratch directories must be empty (7).
 *
 * <p>Not part of {@code ./autoconvert test}: it runs only when {@code soak.minutes} is set.
 */
@EnabledIfSystemProperty(named = "soak.minutes", matches = "[1-9][0-9]*")
class SoakIntegrationTests {
  private static final String SOURCE_DIGEST = "containerd.io/snapshot/nydus-source-digest";
  private static final List<String> TAGS = List.of("a", "b");
  private static final int REPOSITORIES = 3;
  private static final int IMAGES = 5;

  /** A restarted service JVM needs up to a minute on two busy cores. */
  private static final Duration RESTART = Duration.ofMinutes(5);

  private static final Duration QUIESCE = Duration.ofMinutes(15);

  private final int minutes = Integer.getInteger("soak.minutes");
  private final int workers = Integer.getInteger("soak.workers", 2);
  private final Duration faultEvery =
      Duration.ofSeconds(Integer.getInteger("soak.fault-seconds", 40));
  private final long seed = Long.getLong("soak.seed", ThreadLocalRandom.current().nextLong());
  private final String run = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());

  @TempDir Path workDir;

  /** One push as the registry stored it, in push order. */
  record Push(Instant at, String repository, String tag, String digest) {}

  /** One fault: what was killed, and how long {@code up} took to start it again. */
  record Fault(Instant at, String part, Duration restart) {}

  @Test
  void everyTagEndsAtTheCopyOfItsNewestPushWhilePartsAreKilled() throws Exception {
    RunningSystem system = RunningSystem.fromEnvFile();
    Random random = new Random(seed);
    System.out.printf(
        "soak %s: %d min, %d workers, a fault every ~%d s, seed %d%n",
        run, minutes, workers, faultEvery.toSeconds(), seed);
    List<String> repositories = new ArrayList<>();
    for (int i = 0; i < REPOSITORIES; i++) {
      repositories.add("soak/" + run + "-" + i);
    }
    String ruleId = createRule(system);
    SampleImages images = new SampleImages(system, workDir);
    List<Path> layouts = new ArrayList<>();
    for (int i = 0; i < IMAGES; i++) {
      layouts.add(images.build());
    }

    List<Push> pushes = new ArrayList<>();
    List<Fault> faults = new CopyOnWriteArrayList<>();
    AtomicBoolean pushing = new AtomicBoolean(true);
    Thread faulter = new Thread(() -> injectFaults(system, new Random(seed + 1), faults, pushing));
    faulter.setName("soak-faults");
    faulter.start();
    Instant end = Instant.now().plus(Duration.ofMinutes(minutes));
    try {
      while (Instant.now().isBefore(end)) {
        String repository = repositories.get(random.nextInt(repositories.size()));
        String tag = TAGS.get(random.nextInt(TAGS.size()));
        SampleImages.Pushed pushed =
            images.push(
                layouts.get(random.nextInt(layouts.size())),
                SampleImages.LAYOUT_TAG,
                repository,
                tag);
        pushes.add(new Push(Instant.now(), repository, tag, pushed.digest()));
        Thread.sleep(1000 + random.nextInt(3000));
      }
    } finally {
      pushing.set(false);
      faulter.join();
    }
    Commands.Result up = up(system);
    assertThat(up.exitCode()).as("./autoconvert up after the faults: %s", up.output()).isZero();

    Map<String, String> newest = new TreeMap<>();
    Map<String, Integer> contentChanges = new TreeMap<>();
    for (Push push : pushes) {
      String key = push.repository() + ":" + push.tag();
      if (!push.digest().equals(newest.put(key, push.digest()))) {
        contentChanges.merge(push.repository(), 1, Integer::sum);
      }
    }
    Instant quiesceStart = Instant.now();
    awaitCopies(system, newest);
    Duration quiesced = Duration.between(quiesceStart, Instant.now());

    Map<String, Integer> byStatus = new TreeMap<>();
    List<String> failed = new ArrayList<>();
    Map<String, Integer> jobs = new TreeMap<>();
    for (String repository : repositories) {
      List<JsonNode> conversions = system.allConversions(repository);
      jobs.put(repository, conversions.size());
      for (JsonNode job : conversions) {
        String status = job.path("status").asString();
        byStatus.merge(status, 1, Integer::sum);
        if (!isTerminal(status) || status.equals("FAILED")) {
          failed.add(job.toString());
        }
      }
    }
    System.out.printf(
        "soak %s: %d pushes, %d faults %s, jobs by status %s, quiet %d s after the last push%n",
        run,
        pushes.size(),
        faults.size(),
        faults.stream().map(f -> f.part() + " (up " + f.restart().toSeconds() + " s)").toList(),
        byStatus,
        quiesced.toSeconds());

    assertThat(failed).as("jobs that failed or never ended").isEmpty();
    Map<String, Integer> expected = new TreeMap<>();
    repositories.forEach(r -> expected.put(r, contentChanges.getOrDefault(r, 0)));
    assertThat(jobs).as("one job per push that changed a tag's content").isEqualTo(expected);
    for (Map.Entry<String, String> tag : newest.entrySet()) {
      String source = system.registry() + "/" + tag.getKey();
      Commands.Result check =
          Commands.run(
              system.repoRoot(),
              Duration.ofMinutes(5),
              "./autoconvert",
              "check",
              "--source",
              source,
              "--target",
              source + "-nydus",
              "--plain-http");
      assertThat(check.exitCode()).as("check of %s: %s", source, check.output()).isZero();
    }
    assertThat(scratchFiles(system)).as("files left in the workers' scratch directories").isEmpty();
    system.api("DELETE", "/rules/" + ruleId, null);
  }

  private String createRule(RunningSystem system) throws Exception {
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("name", "soak " + run);
    rule.put("registry", system.registry());
    rule.put("repositoryPattern", "soak/" + run + "-*");
    RunningSystem.Response created = system.api("POST", "/rules", rule);
    assertThat(created.successful()).as(created.body()).isTrue();
    return created.json().path("id").asString();
  }

  /** Kills a random part with SIGKILL every {@link #faultEvery} or so, and starts it again. */
  private void injectFaults(
      RunningSystem system, Random random, List<Fault> faults, AtomicBoolean pushing) {
    List<String> parts = new ArrayList<>(List.of("rule-service", "listener"));
    for (int i = 1; i <= workers; i++) {
      parts.add("worker-" + i); // workers twice as often: they hold conversions in flight
      parts.add("worker-" + i);
    }
    try {
      while (pushing.get()) {
        long wait = faultEvery.toMillis() / 2 + random.nextInt((int) faultEvery.toMillis());
        for (long slept = 0; slept < wait && pushing.get(); slept += 500) {
          Thread.sleep(500);
        }
        if (!pushing.get()) {
          return;
        }
        String part = parts.get(random.nextInt(parts.size()));
        Path pidFile = system.repoRoot().resolve(".autoconvert/run/" + part + ".pid");
        String pid = Files.readString(pidFile).strip();
        Commands.run(system.repoRoot(), Duration.ofSeconds(10), "kill", "-KILL", pid);
        Instant killed = Instant.now();
        Thread.sleep(2000 + random.nextInt(8000));
        Commands.Result up = up(system);
        if (up.exitCode() != 0) {
          throw new AssertionError("./autoconvert up after killing " + part + ": " + up.output());
        }
        faults.add(new Fault(killed, part, Duration.between(killed, Instant.now())));
      }
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("fault injection stopped", e);
    }
  }

  private Commands.Result up(RunningSystem system) throws IOException, InterruptedException {
    return Commands.run(
        system.repoRoot(), RESTART, "./autoconvert", "up", "--workers", Integer.toString(workers));
  }

  /** Waits until every tag's Nydus copy was converted from the tag's newest push. */
  private static void awaitCopies(RunningSystem system, Map<String, String> newest)
      throws Exception {
    long deadline = System.nanoTime() + QUIESCE.toNanos();
    Map<String, String> shown = new TreeMap<>();
    while (true) {
      shown.clear();
      for (Map.Entry<String, String> tag : newest.entrySet()) {
        String repository = tag.getKey().substring(0, tag.getKey().indexOf(':'));
        String name = tag.getKey().substring(tag.getKey().indexOf(':') + 1);
        RunningSystem.Response copy = system.registryManifest(repository, name + "-nydus");
        shown.put(
            tag.getKey(),
            copy.status() == 200
                ? copy.json().path("annotations").path(SOURCE_DIGEST).asString("")
                : "HTTP " + copy.status());
      }
      if (shown.equals(newest)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "within " + QUIESCE + " the copies show " + shown + ", the newest pushes " + newest);
      }
      Thread.sleep(2000);
    }
  }

  private static boolean isTerminal(String status) {
    return switch (status) {
      case "SUCCEEDED", "FAILED", "SKIPPED", "SUPERSEDED" -> true;
      default -> false;
    };
  }

  private static List<Path> scratchFiles(RunningSystem system) throws IOException {
    Path state = system.repoRoot().resolve(".autoconvert");
    List<Path> files = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(state)) {
      for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith("worker-")).toList()) {
        try (Stream<Path> walk = Files.walk(dir.resolve("scratch"))) {
          walk.filter(Files::isRegularFile).forEach(files::add);
        }
      }
    }
    return files;
  }
}
