package dev.autoconvert.testsupport.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Ready-made test images in an {@link OciLayout}. The {@code seed} makes the content unique (so
 * that tests of different modules sharing a registry never share blobs by accident) while the same
 * seed gives the same bytes.
 */
public final class TestImages {
  private TestImages() {}

  /**
   * Three layers exercising what layer conversion must handle: a base with directories, files, a
   * symlink and a hard link; then a whiteout, an opaque directory and a new file; then a file that
   * a lower layer's whiteout removed comes back.
   */
  public static OciLayout.Image multiLayer(OciLayout layout, String tag, String seed)
      throws IOException {
    return layout.image(tag, "amd64", multiLayerTars(seed));
  }

  /** The uncompressed layer tars of {@link #multiLayer}. */
  public static List<byte[]> multiLayerTars(String seed) {
    byte[] base =
        new TarBuilder()
            .directory("etc")
            .file("etc/motd", "base motd " + seed + "\n")
            .file("etc/remove-me", "deleted by layer 2\n")
            .directory("opt/app")
            .file("opt/app/old", "hidden by the opaque directory\n")
            .directory("usr/bin")
            .file("usr/bin/tool", bytes(seed, 64 * 1024), 0755)
            .hardlink("usr/bin/tool-hardlink", "usr/bin/tool")
            .symlink("etc/motd-link", "motd")
            .build();
    byte[] changes =
        new TarBuilder()
            .file("etc/motd", "layer 2 motd " + seed + "\n")
            .whiteout("etc/remove-me")
            .opaque("opt/app")
            .file("opt/app/new", "new in layer 2\n")
            .build();
    byte[] readd = new TarBuilder().file("etc/remove-me", "resurrected " + seed + "\n").build();
    return List.of(base, changes, readd);
  }

  /** An index of two single-layer images, linux/amd64 and linux/arm64, tagged {@code tag}. */
  public static OciLayout.Blob twoPlatformIndex(OciLayout layout, String tag, String seed)
      throws IOException {
    List<OciLayout.Image> images = new ArrayList<>();
    for (String arch : List.of("amd64", "arm64")) {
      byte[] tar =
          new TarBuilder()
              .file("etc/arch", arch + " " + seed + "\n")
              .file("usr/bin/fake-" + arch, bytes(seed + arch, 32 * 1024), 0755)
              .build();
      images.add(layout.image(arch, List.of(tar)));
    }
    return layout.index(tag, images);
  }

  /** Deterministic pseudo-random bytes for a seed (incompressible, like binaries). */
  public static byte[] bytes(String seed, int size) {
    byte[] bytes = new byte[size];
    long hash = 1125899906842597L;
    for (byte b : seed.getBytes(StandardCharsets.UTF_8)) {
      hash = 31 * hash + b;
    }
    new Random(hash).nextBytes(bytes);
    return bytes;
  }
}
