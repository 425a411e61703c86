package dev.autoconvert.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokens rotate without a restart: {@code up} hands the listener and rule-service their tokens in
 * files, and a changed file is read again by the running process. Each test restores the file it
 * changed (the registry keeps sending the webhook token it was configured with).
 */
class TokenRotationIntegrationTests {
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private static RunningSystem system;

  @TempDir Path work;

  @BeforeAll
  static void connect() throws Exception {
    system = RunningSystem.fromEnvFile();
  }

  @Test
  void aWebhookTokenAddedToAndRemovedFromItsFileTakesEffectInTheRunningListener() throws Exception {
    Path file = system.secretFile("webhook-token");
    String old = system.webhookToken();
    String added = newToken();
    long pid = system.pid("listener");
    SampleImages.Pushed image = new SampleImages(system, work).push("systest/rotation", "v1");
    String envelope = system.distributionEnvelope("pull", image, "v1");
    String original = Files.readString(file);
    try {
      replace(file, old + "\n" + added + "\n");
      assertThat(system.deliverWebhook(envelope, added).status()).isBetween(200, 299);
      assertThat(system.deliverWebhook(envelope, old).status()).isBetween(200, 299);

      replace(file, added + "\n");
      assertThat(system.deliverWebhook(envelope, old).status()).isEqualTo(401);
      assertThat(system.deliverWebhook(envelope, added).status()).isBetween(200, 299);
    } finally {
      replace(file, original);
    }
    assertThat(system.deliverWebhook(envelope, old).status()).isBetween(200, 299);
    assertThat(system.deliverWebhook(envelope, added).status()).isEqualTo(401);
    assertThat(system.pid("listener")).as("the listener was not restarted").isEqualTo(pid);
  }

  @Test
  void anAdminTokenAddedToItsFileWritesAndIsRefusedOnceRemoved() throws Exception {
    Path file = system.secretFile("api-token");
    String added = newToken();
    long pid = system.pid("rule-service");
    String original = Files.readString(file);
    RunningSystem.Response created;
    try {
      replace(file, original + added + "\n");
      assertThat(system.apiWithToken(added, "GET", "/rules", null).status()).isEqualTo(200);
      created = system.apiWithToken(added, "POST", "/rules", rule());
      assertThat(created.status()).as(created.body()).isEqualTo(201);
    } finally {
      replace(file, original);
    }
    assertThat(system.apiWithToken(added, "GET", "/rules", null).status()).isEqualTo(401);
    assertThat(
            system.api("DELETE", "/rules/" + created.json().path("id").asString(), null).status())
        .isEqualTo(204);
    assertThat(system.pid("rule-service")).as("rule-service was not restarted").isEqualTo(pid);
  }

  @Test
  void aReadOnlyTokenCopiedIntoTheAdminFileStillOnlyReads() throws Exception {
    Path file = system.secretFile("api-token");
    String readToken = Files.readString(system.secretFile("read-token")).strip();
    String original = Files.readString(file);
    try {
      replace(file, original + readToken + "\n");
      assertThat(system.apiWithToken(readToken, "GET", "/rules", null).status()).isEqualTo(200);
      RunningSystem.Response refused = system.apiWithToken(readToken, "POST", "/rules", rule());
      assertThat(refused.status()).as(refused.body()).isEqualTo(403);
      assertThat(refused.json().path("detail").asString())
          .contains("both an admin and a read-only token");
    } finally {
      replace(file, original);
    }
  }

  private static Map<String, Object> rule() {
    return Map.of(
        "name",
        "rotation " + newToken(),
        "registry",
        system.registry(),
        "repositoryPattern",
        "systest/rotation-never-pushed",
        "enabled",
        false);
  }

  private static String newToken() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  /**
   * As Kubernetes updates a mounted secret: the new content appears at once, never half written;
   * readable by the owner only, as {@code up} writes it.
   */
  private static void replace(Path file, String content) throws Exception {
    Path next = file.resolveSibling(file.getFileName() + ".rotation");
    Files.deleteIfExists(next);
    Files.createFile(next, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    Files.writeString(next, content);
    Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
