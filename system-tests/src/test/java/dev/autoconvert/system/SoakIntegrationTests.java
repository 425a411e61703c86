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
 * to a few tags in random order while a second thread now and then stops a worker with SIGTERM, or
 * kills a worker, rule-service, the listener, the Kafka broker or the registry with SIGKILL, or
 * stops PostgreSQL as a crash would ({@code -m immediate}), and starts it again with {@code
 * ./autoconvert up}. A registry keeps undelivered notifications in memory only, so its crash may
 * lose pushes: the run ends with a reconciliation (invariant 9). Afterwards every tag's Nydus copy
 * must show its newest push (invariants 1, 3, 4 and 9), every job must have ended and none failed
 * (6), no push may have made more than one job (1), the copies must pass {@code ./autoconvert
 * check}, and the workers' scratch directories must be empty (7).
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

  /** A push that meets the registry down is tried again this often, this far apart. */
  private static final int PUSH_ATTEMPTS = 10;

  private static final Duration PUSH_RETRY = Duration.ofSeconds(5);

  private final int minutes = Integer.getInteger("soak.minutes");
  private final int workers = Integer.getInteger("soak.workers", 2);
  private final Duration faultEvery =
      Duration.ofSeconds(Integer.getInteger("soak.fault-seconds", 40));
  private final long seed = Long.getLong("soak.seed", ThreadLocalRandom.current().nextLong());
  private final String run = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());

  @TempDir Path workDir;

  /** One push as the registry stored it, in push order. */
  record Push(String repository, String tag, String digest) {}

  /** Marks a fault that stops a worker (SIGTERM) where the others crash it. */
  private static final String STOPPED = " stopped";

  /** One fault: what was killed, and how long until {@code up} had started it again. */
  record Fault(String part, Duration restart) {}

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
            push(images, layouts.get(random.nextInt(layouts.size())), repository, tag);
        pushes.add(new Push(repository, tag, pushed.digest()));
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
    Map<String, Integer> pushCount = new TreeMap<>();
    for (Push push : pushes) {
      String key = push.repository() + ":" + push.tag();
      pushCount.merge(push.repository(), 1, Integer::sum);
      if (!push.digest().equals(newest.put(key, push.digest()))) {
        contentChanges.merge(push.repository(), 1, Integer::sum);
      }
    }
    // notifications a crashed registry held are gone: the reconciler finds what they announced
    RunningSystem.Response reconciled = system.api("POST", "/rules/" + ruleId + "/reconcile", null);
    assertThat(reconciled.successful()).as(reconciled.body()).isTrue();
    Instant quiesceStart = Instant.now();
    awaitCopies(system, newest);
    Duration quiesced = Duration.between(quiesceStart, Instant.now());

    Map<String, Integer> byStatus = new TreeMap<>();
    List<String> failed = new ArrayList<>();
    Map<String, Integer> jobs = new TreeMap<>();
    for (String repository : repositories) {
      List<JsonNode> conversions = system.allConversions(repository);
      jobs.put(
          repository,
          (int)
              conversions.stream()
                  .filter(j -> j.path("trigger").asString().equals("PUSH"))
                  .count());
      for (JsonNode job : conversions) {
        String status = job.path("status").asString();
        byStatus.merge(status, 1, Integer::sum);
        if (!isTerminal(status) || status.equals("FAILED")) {
          failed.add(job.toString());
        }
      }
    }
    System.out.printf(
        "soak %s: %d pushes (%d changed a tag's content), %d faults %s, jobs by status %s,"
            + " reconciliation %s, copies current %d s after it%n",
        run,
        pushes.size(),
        contentChanges.values().stream().mapToInt(Integer::intValue).sum(),
        faults.size(),
        faults.stream().map(f -> f.part() + " (up " + f.restart().toSeconds() + " s)").toList(),
        byStatus,
        reconciled.body(),
        quiesced.toSeconds());

    assertThat(failed).as("jobs that failed or never ended").isEmpty();
    // How many jobs the pushes make depends on timing: a push back to the content whose copy the
    // target still shows (the conversions in between were superseded) needs none. A lost push
    // shows as a stale copy above; a job without a push of its own would show here.
    for (String repository : repositories) {
      assertThat(jobs.get(repository))
          .as("jobs of %s: at most one per push", repository)
          .isLessThanOrEqualTo(pushCount.getOrDefault(repository, 0));
    }
    for (String tag : newest.keySet()) {
      int colon = tag.indexOf(':');
      Commands.Result check = system.checkCopy(tag.substring(0, colon), tag.substring(colon + 1));
      assertThat(check.exitCode()).as("check of %s: %s", tag, check.output()).isZero();
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

  /** Crashes or stops a random part every {@link #faultEvery} or so, and starts it again. */
  private void injectFaults(
      RunningSystem system, Random random, List<Fault> faults, AtomicBoolean pushing) {
    List<String> parts =
        new ArrayList<>(List.of("rule-service", "listener", "kafka", "postgres", "registry"));
    for (int i = 1; i <= workers; i++) {
      // workers three times as often: they hold conversions in flight; a third of their faults is
      // a stop (SIGTERM), which hands the conversions under way over
      parts.add("worker-" + i);
      parts.add("worker-" + i);
      parts.add("worker-" + i + STOPPED);
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
        crash(system, part);
        Instant killed = Instant.now();
        Thread.sleep(2000 + random.nextInt(8000));
        Commands.Result up = up(system);
        if (up.exitCode() != 0) {
          throw new AssertionError("./autoconvert up after killing " + part + ": " + up.output());
        }
        faults.add(new Fault(part, Duration.between(killed, Instant.now())));
      }
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("fault injection stopped", e);
    }
  }

  /** Pushes, trying again while the registry is down (crashed by the other thread). */
  private static SampleImages.Pushed push(
      SampleImages images, Path layout, String repository, String tag) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return images.push(layout, SampleImages.LAYOUT_TAG, repository, tag);
      } catch (AssertionError | IOException e) {
        if (attempt == PUSH_ATTEMPTS) {
          throw e;
        }
        Thread.sleep(PUSH_RETRY.toMillis());
      }
    }
  }

  /**
   * Ends {@code part} the way a crash would: no chance to finish or clean up; or, for a part named
   * with {@link #STOPPED}, as Kubernetes stops a pod (SIGTERM), and waits until it exited.
   */
  private static void crash(RunningSystem system, String part)
      throws IOException, InterruptedException {
    if (part.endsWith(STOPPED)) {
      system.stop(part.replace(STOPPED, ""));
      return;
    }
    Commands.Result result;
    if (part.equals("postgres")) {
      Path cluster = system.repoRoot().resolve(".autoconvert/run/postgres.cluster");
      List<String> command = new ArrayList<>(List.of("pg_ctlcluster"));
      command.addAll(List.of(Files.readString(cluster).strip().split(" ")));
      command.addAll(List.of("stop", "-m", "immediate"));
      result =
          Commands.run(system.repoRoot(), Duration.ofSeconds(30), command.toArray(String[]::new));
    } else {
      result =
          Commands.run(
              system.repoRoot(),
              Duration.ofSeconds(10),
              "kill",
              "-KILL",
              Long.toString(system.pid(part)));
    }
    if (result.exitCode() != 0) {
      throw new AssertionError("could not crash " + part + ": " + result.output());
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
