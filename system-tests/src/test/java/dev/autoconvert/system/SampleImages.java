package dev.autoconvert.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Pushes fresh three-layer images the way a user would: built by {@code infra/sample-image.sh}
 * (umoci + GNU tar) into an OCI layout, then copied to the registry with skopeo.
 */
final class SampleImages {

  static final String LAYOUT_TAG = "sample";

  private final RunningSystem system;
  private final Path workDir;

  SampleImages(RunningSystem system, Path workDir) {
    this.system = system;
    this.workDir = workDir;
  }

  /** A pushed manifest as the registry stored it. */
  record Pushed(String repository, String tag, String digest, long size) {}

  /** Builds a new image (fresh random content) and pushes it as {@code repository:tag}. */
  Pushed push(String repository, String tag) throws IOException, InterruptedException {
    return push(build(), LAYOUT_TAG, repository, tag);
  }

  /** Builds a new image into an OCI layout of its own; its tag there is {@link #LAYOUT_TAG}. */
  Path build() throws IOException, InterruptedException {
    return build(0);
  }

  /** As {@link #build()}, with a fourth layer of {@code mib} MiB of random data if not 0. */
  Path build(int mib) throws IOException, InterruptedException {
    Path layout = Files.createTempDirectory(workDir, "oci");
    run(
        system.repoRoot().resolve("infra/sample-image.sh").toString(),
        layout.toString(),
        LAYOUT_TAG,
        Integer.toString(mib));
    return layout;
  }

  /** Pushes {@code layoutTag} of an OCI layout as {@code repository:tag}. */
  Pushed push(Path layout, String layoutTag, String repository, String tag)
      throws IOException, InterruptedException {
    Path digestFile = layout.resolveSibling(layout.getFileName() + ".digest");
    run(
        "skopeo",
        "copy",
        "-q",
        "--dest-tls-verify=false",
        "--digestfile",
        digestFile.toString(),
        "oci:" + layout + ":" + layoutTag,
        "docker://" + system.registry() + "/" + repository + ":" + tag);
    String digest = Files.readString(digestFile).trim();
    RunningSystem.Response manifest = system.registryManifest(repository, digest);
    if (manifest.status() != 200) {
      throw new AssertionError(
          "pushed " + repository + "@" + digest + " but the registry answers " + manifest.status());
    }
    return new Pushed(
        repository, tag, digest, manifest.body().getBytes(StandardCharsets.UTF_8).length);
  }

  private void run(String... command) throws IOException, InterruptedException {
    Commands.Result result = Commands.run(workDir, Duration.ofMinutes(2), command);
    if (result.exitCode() != 0) {
      throw new AssertionError(
          String.join(" ", command) + " exited with " + result.exitCode() + ": " + result.output());
    }
  }
}
