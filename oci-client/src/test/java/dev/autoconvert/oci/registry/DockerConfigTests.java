package dev.autoconvert.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoconvert.oci.ErrorKind;
import dev.autoconvert.oci.RegistryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigTests {
  private static final Instant NOW = Instant.parse("2026-11-27T06:00:00Z");

  @TempDir Path dir;

  private final AuthIntegrationTests.MutableClock clock =
      new AuthIntegrationTests.MutableClock(NOW);

  private Path config(String json) throws IOException {
    return Files.writeString(dir.resolve("config.json"), json);
  }

  private DockerConfig load(Path file) throws IOException {
    return DockerConfig.load(file, List.of(dir.resolve("bin")), Duration.ofSeconds(5), clock);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A credential helper {@code docker-credential-<name>} running {@code body} (sh); it records the
   * server URL it was asked for in {@code <name>.asked}, one line per run.
   */
  private void helper(String name, String body) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path script = bin.resolve("docker-credential-" + name);
    Files.writeString(
        script,
        "#!/bin/sh\n"
            + "[ \"$1\" = get ] || exit 3\n"
            + "server=$(cat)\n"
            + "echo \"$server\" >> '"
            + dir.resolve(name + ".asked")
            + "'\n"
            + body
            + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private List<String> asked(String name) throws IOException {
    Path log = dir.resolve(name + ".asked");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  @Test
  void authFieldGivesUserAndPasswordSplitAtTheFirstColon() throws IOException {
    DockerConfig store =
        load(
            config(
                "{\"auths\":{\"reg.example:5000\":{\"auth\":\"" + base64("bot:pa:ss") + "\"}}}"));

    assertThat(store.lookup("reg.example:5000")).contains(new Credentials("bot", "pa:ss"));
  }

  @Test
  void usernameAndPasswordFieldsAreReadToo() throws IOException {
    DockerConfig store =
        load(config("{\"auths\":{\"reg.example\":{\"username\":\"bot\",\"password\":\"pw\"}}}"));

    assertThat(store.lookup("reg.example")).contains(new Credentials("bot", "pw"));
  }

  @Test
  void theLegacyDockercfgFormHasItsEntriesAtTheTopLevel() throws IOException {
    DockerConfig store =
        load(config("{\"reg.example\":{\"auth\":\"" + base64("bot:pw") + "\",\"email\":\"\"}}"));

    assertThat(store.lookup("reg.example")).contains(new Credentials("bot", "pw"));
  }

  @Test
  void keysWrittenAsUrlsMatchTheirHostAndDockerHubHasOneName() throws IOException {
    DockerConfig store =
        load(
            config(
                "{\"auths\":{"
                    + "\"https://Reg.Example:5000/v2/\":{\"auth\":\""
                    + base64("a:1")
                    + "\"},"
                    + "\"https://index.docker.io/v1/\":{\"auth\":\""
                    + base64("b:2")
                    + "\"}}}"));

    assertThat(store.lookup("reg.example:5000")).contains(new Credentials("a", "1"));
    assertThat(store.lookup("docker.io")).contains(new Credentials("b", "2"));
    assertThat(store.lookup("reg.example")).as("another port is another registry").isEmpty();
  }

  @Test
  void registriesWithoutAnEntryAreAnonymous() throws IOException {
    DockerConfig store = load(config("{\"auths\":{\"other.example\":{}}}"));

    assertThat(store.lookup("reg.example")).isEmpty();
    assertThat(store.lookup("other.example")).as("an empty entry holds nothing").isEmpty();
  }

  @Test
  void anIdentityTokenWinsOverTheEntrysPasswordAsInTheDockerCli() throws IOException {
    String auth = Base64.getEncoder().encodeToString("u:p".getBytes(StandardCharsets.UTF_8));
    DockerConfig store =
        load(
            config(
                "{\"auths\":{\"reg.example\":{\"auth\":\""
                    + auth
                    + "\",\"identitytoken\":\"refresh-me\"},"
                    + "\"only.example\":{\"identitytoken\":\"refresh-too\"}}}"));

    assertThat(store.lookup("reg.example")).contains(Credentials.identityToken("refresh-me"));
    assertThat(store.lookup("only.example")).contains(Credentials.identityToken("refresh-too"));
  }

  @Test
  void aHelperAnsweringTheTokenUserGivesAnIdentityToken() throws IOException {
    helper("token", "echo '{\"Username\":\"<token>\",\"Secret\":\"refresh-me\"}'");
    helper("empty", "echo '{\"Username\":\"<token>\",\"Secret\":\"\"}'");
    DockerConfig store =
        DockerConfig.load(
            config("{\"credHelpers\":{\"a.example\":\"token\",\"b.example\":\"empty\"}}"),
            List.of(dir.resolve("bin")),
            Duration.ofSeconds(30),
            clock);

    assertThat(store.lookup("a.example")).contains(Credentials.identityToken("refresh-me"));
    assertThatThrownBy(() -> store.lookup("b.example"))
        .hasMessageContaining("answer has no identity token");
  }

  @Test
  void malformedFilesFailAtLoadNamingTheFileButNoSecret() throws IOException {
    Path notJson = config("{\"auths\":{\"reg.example\":{\"auth\":\"c2VjcmV0\" oops}}}");
    assertThatThrownBy(() -> load(notJson))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(notJson.toString())
        .hasMessageNotContaining("c2VjcmV0");

    Path notBase64 = config("{\"auths\":{\"reg.example\":{\"auth\":\"s3cret!!\"}}}");
    assertThatThrownBy(() -> load(notBase64))
        .hasMessageContaining("reg.example")
        .hasMessageContaining("not base64")
        .hasMessageNotContaining("s3cret");

    assertThatThrownBy(() -> load(dir.resolve("missing.json"))).isInstanceOf(IOException.class);
  }

  @Test
  void aChangedFileIsReadAgainAndABrokenChangeKeepsTheLastGoodOne() throws IOException {
    Path file = config("{\"auths\":{\"reg.example\":{\"username\":\"bot\",\"password\":\"old\"}}}");
    DockerConfig store = load(file);
    assertThat(store.lookup("reg.example")).contains(new Credentials("bot", "old"));

    Files.writeString(
        file, "{\"auths\":{\"reg.example\":{\"username\":\"bot\",\"password\":\"new\"}}}");
    Files.setLastModifiedTime(file, FileTime.from(NOW.plusSeconds(60)));
    assertThat(store.lookup("reg.example")).contains(new Credentials("bot", "new"));

    Files.writeString(file, "{ half written");
    Files.setLastModifiedTime(file, FileTime.from(NOW.plusSeconds(120)));
    assertThat(store.lookup("reg.example")).contains(new Credentials("bot", "new"));
  }

  @Test
  void aRegistrysHelperIsAskedAndItsAnswerKeptForFiveMinutes() throws IOException {
    helper("vault", "echo '{\"ServerURL\":\"'$server'\",\"Username\":\"bot\",\"Secret\":\"s1\"}'");
    DockerConfig store =
        load(
            config(
                "{\"auths\":{\"reg.example\":{\"auth\":\""
                    + base64("file:ignored")
                    + "\"}},\"credHelpers\":{\"reg.example\":\"vault\"}}"));

    assertThat(store.lookup("reg.example")).contains(new Credentials("bot", "s1"));
    assertThat(store.lookup("reg.example")).contains(new Credentials("bot", "s1"));
    assertThat(asked("vault")).containsExactly("reg.example");

    clock.advance(DockerConfig.HELPER_CACHE);
    assertThat(store.lookup("reg.example")).contains(new Credentials("bot", "s1"));
    assertThat(asked("vault")).as("asked again once the answer is old").hasSize(2);
  }

  @Test
  void theDefaultStoreServesEveryOtherRegistryAndMayHaveNothing() throws IOException {
    helper(
        "store",
        "case \"$server\" in https://index.docker.io/v1/) "
            + "echo '{\"Username\":\"hub\",\"Secret\":\"h\"}';; "
            + "*) echo 'credentials not found in native keychain'; exit 1;; esac");
    DockerConfig store = load(config("{\"credsStore\":\"store\"}"));

    assertThat(store.lookup("docker.io")).contains(new Credentials("hub", "h"));
    assertThat(store.lookup("reg.example")).isEmpty();
    assertThat(asked("store")).containsExactly("https://index.docker.io/v1/", "reg.example");
  }

  @Test
  void concurrentLookupsRunTheHelperOnce() throws Exception {
    helper("slow", "sleep 0.5; echo '{\"Username\":\"u\",\"Secret\":\"s\"}'");
    DockerConfig store = load(config("{\"credsStore\":\"slow\"}"));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Optional<Credentials>>> lookups = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        lookups.add(pool.submit(() -> store.lookup("reg.example")));
      }
      for (Future<Optional<Credentials>> lookup : lookups) {
        assertThat(lookup.get()).contains(new Credentials("u", "s"));
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(asked("slow")).containsExactly("reg.example");
  }

  @Test
  void helperFailuresNameTheHelperAndItsError() throws IOException {
    helper("broken", "echo 'keychain locked'; exit 1");
    helper("slow", "sleep 30");
    DockerConfig store =
        DockerConfig.load(
            config(
                "{\"credHelpers\":{\"a.example\":\"broken\","
                    + "\"c.example\":\"slow\",\"d.example\":\"absent\"}}"),
            List.of(dir.resolve("bin")),
            Duration.ofMillis(300),
            clock);

    assertThatThrownBy(() -> store.lookup("a.example"))
        .hasMessageContaining("docker-credential-broken")
        .hasMessageContaining("keychain locked")
        .extracting(e -> ((RegistryException) e).kind())
        .isEqualTo(ErrorKind.UNAUTHORIZED);
    assertThatThrownBy(() -> store.lookup("c.example"))
        .hasMessageContaining("no answer within")
        .extracting(e -> ((RegistryException) e).kind())
        .as("a helper that hangs may answer next time")
        .isEqualTo(ErrorKind.UNAVAILABLE);
    assertThatThrownBy(() -> store.lookup("d.example"))
        .hasMessageContaining("docker-credential-absent is not on the PATH");
  }

  @Test
  void aRefusedHelperAnswerIsAskedForAgain() throws IOException {
    helper("vault", "echo '{\"Username\":\"bot\",\"Secret\":\"s1\"}'");
    DockerConfig store = load(config("{\"credHelpers\":{\"reg.example\":\"vault\"}}"));
    Credentials answer = store.lookup("reg.example").orElseThrow();

    store.refused("reg.example", new Credentials("bot", "other"));
    store.lookup("reg.example");
    assertThat(asked("vault")).as("other credentials were refused: the answer is kept").hasSize(1);

    store.refused("reg.example", answer);
    assertThat(store.lookup("reg.example")).contains(answer);
    assertThat(asked("vault")).hasSize(2);
  }
}
