package dev.autoconvert.cli;

import static dev.autoconvert.cli.ConverterCliTests.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.cli.ConverterCliTests.Result;
import dev.autoconvert.testsupport.registry.Executables;
import dev.autoconvert.testsupport.registry.ForwardProxy;
import dev.autoconvert.testsupport.registry.LocalRegistry;
import dev.autoconvert.testsupport.registry.OciLayout;
import dev.autoconvert.testsupport.registry.TarBuilder;
import dev.autoconvert.testsupport.registry.TestCertificates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line against registries that want credentials (given in a Docker config file) or
 * whose certificate a private CA signed.
 */
class RegistryAccessIntegrationTests {
  private static final String USER = "cli-user";
  private static final String PASSWORD = "cli-Pa55-word";

  @TempDir Path dir;

  private Path authfile(String json) throws IOException {
    return Files.writeString(dir.resolve("config-" + json.hashCode() + ".json"), json);
  }

  /** A one-layer image in an OCI layout, tagged v1. */
  private Path source() throws IOException {
    Path source = dir.resolve("source");
    OciLayout.create(source)
        .image("v1", "amd64", List.of(new TarBuilder().file("etc/motd", "hello\n").build()));
    return source;
  }

  private static String[] convert(Path source, String target, String... access) {
    return args(
        List.of("convert", "--source", "oci:" + source + ":v1", "--target", target), access);
  }

  /** Converts {@code source} into {@code target}, then checks it, reaching it as {@code access}. */
  private static void convertAndCheck(Path source, String target, String... access) {
    Result converted = run(convert(source, target, access));
    assertThat(converted.code()).as(converted.text()).isEqualTo(ConverterCli.OK);
    Result check =
        run(
            args(
                List.of("check", "--source", "oci:" + source + ":v1", "--target", target), access));
    assertThat(check.code()).as(check.text()).isEqualTo(ConverterCli.OK);
  }

  private static String[] args(List<String> command, String... more) {
    List<String> all = new ArrayList<>(command);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  @Test
  void convertCheckAndInspectSignInWithTheAuthfile() throws IOException {
    Executables.assumeOnPath("fsck.erofs");
    try (LocalRegistry registry = LocalRegistry.builder().basicAuth(USER, PASSWORD).start()) {
      Path source = source();
      String auth =
          Base64.getEncoder()
              .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
      String signedIn =
          authfile("{\"auths\":{\"" + registry.host() + "\":{\"auth\":\"" + auth + "\"}}}")
              .toString();
      String target = registry.host() + "/cli/app:v1-nydus";

      Result anonymous =
          run(convert(source, target, "--plain-http", "--authfile", authfile("{}").toString()));
      assertThat(anonymous.code()).as(anonymous.text()).isEqualTo(ConverterCli.ERROR);
      assertThat(anonymous.text()).contains("HTTP 401").doesNotContain(PASSWORD);

      convertAndCheck(source, target, "--plain-http", "--authfile", signedIn);
      Result inspect =
          run("inspect", "--image", target, "--plain-http", "--authfile", signedIn, "--tree");
      assertThat(inspect.code()).as(inspect.text()).isEqualTo(ConverterCli.OK);
      assertThat(inspect.out()).contains("/etc/motd");
    }
  }

  @Test
  void aRegistryWithAPrivateCaIsReachedWithItsCaCertificates() throws IOException {
    TestCertificates certificates = TestCertificates.create(dir.resolve("certs"));
    try (LocalRegistry registry = LocalRegistry.builder().tls(certificates).start()) {
      convertsOnlyWith(
          registry, List.of(), List.of("--ca-certificates", certificates.ca().toString()));
    }
  }

  @Test
  void aRegistryAskingForClientCertificatesIsReachedWithItsCertDirectory() throws IOException {
    TestCertificates certificates = TestCertificates.create(dir.resolve("certs"));
    try (LocalRegistry registry = LocalRegistry.builder().mutualTls(certificates).start()) {
      // the registry's directory holds its CA as well as the client certificate
      convertsOnlyWith(
          registry,
          List.of("--ca-certificates", certificates.ca().toString()),
          List.of("--cert-dir", registry.clientCertsDirectory().toString()));
    }
  }

  /**
   * A TLS failure with the {@code refused} options, a conversion that checks with {@code needed}.
   */
  private void convertsOnlyWith(LocalRegistry registry, List<String> refused, List<String> needed)
      throws IOException {
    Executables.assumeOnPath("fsck.erofs");
    Path source = source();
    String target = registry.host() + "/cli/app:v1-nydus";

    Result failed = run(convert(source, target, refused.toArray(String[]::new)));
    assertThat(failed.code()).as(failed.text()).isEqualTo(ConverterCli.ERROR);
    assertThat(failed.err()).contains("TLS failure");

    convertAndCheck(source, target, needed.toArray(String[]::new));
  }

  @Test
  void aCertDirectoryWithAKeyButNoCertificateIsAUsageErrorNamingIt() throws IOException {
    Path key =
        Files.createDirectories(dir.resolve("certs.d/registry.example")).resolve("client.key");
    Files.writeString(key, "");
    Result r = convertLayoutWith("--cert-dir", dir.resolve("certs.d").toString());

    assertThat(r.code()).isEqualTo(ConverterCli.USAGE);
    assertThat(r.err())
        .contains("--cert-dir")
        .contains("missing client certificate")
        .contains(key.toString());
  }

  /**
   * The jar as users run it: only a separate process can be given an environment, and only its
   * {@code main} lets the JDK send Basic credentials in a {@code CONNECT}.
   */
  @Test
  void theJarReachesAnHttpsRegistryThroughTheProxyHttpsProxyNamesWithItsCredentials()
      throws Exception {
    TestCertificates certificates = TestCertificates.create(dir.resolve("certs"));
    try (LocalRegistry registry = LocalRegistry.builder().tls(certificates).start();
        ForwardProxy proxy =
            ForwardProxy.requiringCredentials(
                ForwardProxy.naming("registry.test", registry), "builder", "s3cret")) {
      String target = "registry.test:" + registry.port() + "/cli/app:v1-nydus";
      ProcessBuilder cli =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-jar",
                  Path.of("target", "converter-cli.jar").toString(),
                  "convert",
                  "--source",
                  "oci:" + source() + ":v1",
                  "--target",
                  target,
                  "--ca-certificates",
                  certificates.ca().toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("cli.log").toFile());
      cli.environment().keySet().removeIf(k -> k.toLowerCase(Locale.ROOT).endsWith("_proxy"));
      cli.environment().put("HTTPS_PROXY", proxy.url().replace("//", "//builder:s3cret@"));
      cli.environment()
          .put("DOCKER_CONFIG", Files.createDirectories(dir.resolve("docker")).toString());

      int exit = cli.start().waitFor();

      assertThat(exit).as(Files.readString(dir.resolve("cli.log"))).isZero();
      assertThat(proxy.refused()).isEmpty();
      assertThat(proxy.targets())
          .isNotEmpty()
          .allMatch(t -> t.equals("CONNECT registry.test:" + registry.port()));
      assertThat(
              registry.skopeo(
                  "list-tags", "--tls-verify=false", "docker://" + registry.host() + "/cli/app"))
          .contains("v1-nydus");
    }
  }

  @Test
  void anUnreadableAuthfileIsAUsageErrorNamingIt() {
    Path missing = dir.resolve("missing.json");
    Result r = convertLayoutWith("--authfile", missing.toString());

    assertThat(r.code()).isEqualTo(ConverterCli.USAGE);
    assertThat(r.err()).contains("cannot read registry credentials").contains(missing.toString());
  }

  /** A conversion between OCI layouts (that usage errors stop first) with one more option. */
  private Result convertLayoutWith(String option, String value) {
    return run(
        "convert",
        "--source",
        "oci:" + dir + ":v1",
        "--target",
        "oci:" + dir + ":v2",
        option,
        value);
  }
}
