package dev.autoconvert.worker.testing;

import dev.autoconvert.cli.ConverterCli;
import dev.autoconvert.cli.store.RegistryImageStore;
import dev.autoconvert.cli.store.StoredManifest;
import dev.autoconvert.contracts.ConversionOptions;
import dev.autoconvert.contracts.ConversionRequest;
import dev.autoconvert.oci.registry.RegistryClient;
import dev.autoconvert.oci.registry.RegistryConfig;
import dev.autoconvert.oci.registry.RegistryTls;
import dev.autoconvert.testsupport.registry.LocalRegistry;
import dev.autoconvert.testsupport.registry.OciLayout;
import dev.autoconvert.testsupport.registry.TarBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Test images pushed to a {@link LocalRegistry}, requests for them, and checks of the results. */
public final class ConversionFixture {
  private final LocalRegistry registry;
  private final RegistryClient client;

  public ConversionFixture(LocalRegistry registry) throws IOException {
    this.registry = registry;
    RegistryClient.Builder client =
        RegistryClient.builder()
            .registry(
                RegistryConfig.of(
                    registry.host(),
                    registry.tls() == null,
                    registry.username(),
                    registry.password()));
    if (registry.tls() != null) {
      client.tls(RegistryTls.load(registry.tls().ca(), registry.clientCertsDirectory()));
    }
    this.client = client.build();
  }

  /** A three-layer image: special files, then whiteouts and an opaque directory, then a re-add. */
  public static List<byte[]> threeLayers(String flavour) {
    return List.of(
        new TarBuilder()
            .directory("etc")
            .file("etc/motd", "base motd " + flavour + "\n")
            .file("etc/remove-me", "secret\n")
            .directory("opt/app/sub")
            .file("opt/app/old", "old\n")
            .file("bin/tool", "#!/bin/sh\necho tool\n".getBytes(StandardCharsets.UTF_8), 04755)
            .hardlink("bin/tool-link", "bin/tool")
            .symlink("etc/motd-link", "motd")
            .file("data/blob.bin", pattern(2 * 1024 * 1024 + 123, flavour.hashCode()), 0644)
            .build(),
        new TarBuilder()
            .file("etc/motd", "layer two " + flavour + "\n")
            .whiteout("etc/remove-me")
            .opaque("opt/app")
            .file("opt/app/new", "new\n")
            .build(),
        new TarBuilder().file("etc/remove-me", "resurrected " + flavour + "\n").build());
  }

  public static byte[] pattern(int size, int seed) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (i * 31 + seed + i / 4096);
    }
    return b;
  }

  /** Pushes an amd64 image of {@code layers} as {@code repository:tag}; returns its digest. */
  public String push(String repository, String tag, List<byte[]> layers) throws IOException {
    Path dir = Files.createTempDirectory("fixture-layout");
    try {
      OciLayout.create(dir).image("img", "amd64", layers);
      registry.pushFromLayout(dir, "img", repository + ":" + tag);
    } finally {
      delete(dir);
    }
    return digest(repository, tag);
  }

  /**
   * Pushes {@code layers} as a Docker schema 2 image (skopeo --format v2s2); returns its digest.
   */
  public String pushDocker(String repository, String tag, List<byte[]> layers) throws IOException {
    Path dir = Files.createTempDirectory("fixture-layout");
    try {
      OciLayout.create(dir).image("img", "amd64", layers);
      registry.skopeo(
          "copy",
          "-q",
          "--format",
          "v2s2",
          "--dest-tls-verify=false",
          "oci:" + dir + ":img",
          "docker://" + registry.host() + "/" + repository + ":" + tag);
    } finally {
      delete(dir);
    }
    return digest(repository, tag);
  }

  /** Pushes an index of one image per architecture; returns the index digest. */
  public String pushIndex(String repository, String tag, List<String> architectures)
      throws IOException {
    Path dir = Files.createTempDirectory("fixture-layout");
    OciLayout layout = OciLayout.create(dir);
    List<OciLayout.Image> images = new ArrayList<>();
    for (String arch : architectures) {
      images.add(
          layout.image(
              arch,
              List.of(
                  new TarBuilder()
                      .file("etc/arch", "fake " + arch + " userland\n")
                      .file("usr/bin/fake-" + arch, pattern(70_000, arch.hashCode()), 0755)
                      .build())));
    }
    layout.index("multi", images);
    try {
      registry.pushFromLayout(dir, "multi", repository + ":" + tag);
    } finally {
      delete(dir);
    }
    return digest(repository, tag);
  }

  private static void delete(Path dir) throws IOException {
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  public String digest(String repository, String tag) throws IOException {
    return store(repository).manifest(tag).digest();
  }

  public StoredManifest manifest(String repository, String reference) throws IOException {
    return store(repository).manifest(reference);
  }

  public RegistryImageStore store(String repository) {
    return new RegistryImageStore(client, registry.host(), repository);
  }

  public ConversionRequest request(
      String repository, String tag, String digest, long sequence, ConversionOptions options) {
    return request(registry.host(), repository, tag, digest, sequence, options);
  }

  /** A request naming the registry {@code host}: a name only a proxy resolves, say. */
  public ConversionRequest request(
      String host,
      String repository,
      String tag,
      String digest,
      long sequence,
      ConversionOptions options) {
    return new ConversionRequest(
        UUID.randomUUID(),
        1,
        sequence,
        host,
        repository,
        tag,
        digest,
        repository,
        tag + "-nydus",
        Instant.now(),
        options);
  }

  /** {@code converter-cli check} of {@code repository:tag-nydus} against {@code repository:tag}. */
  public String check(String repository, String tag, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "check",
                "--source",
                registry.host() + "/" + repository + ":" + tag,
                "--target",
                registry.host() + "/" + repository + ":" + tag + "-nydus"));
    if (registry.tls() == null) {
      args.add("--plain-http");
    } else {
      args.addAll(List.of("--ca-certificates", registry.tls().ca().toString()));
    }
    if (registry.clientCertsDirectory() != null) {
      args.addAll(List.of("--cert-dir", registry.clientCertsDirectory().toString()));
    }
    args.addAll(List.of(more));
    return cli(args);
  }

  /** Runs the command line in this JVM: {@code exit N} then its output. */
  public static String cli(List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        ConverterCli.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(out, true, StandardCharsets.UTF_8));
    return "exit " + code + "\n" + out.toString(StandardCharsets.UTF_8);
  }
}
