package dev.autoconvert.format.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.autoconvert.format.testing.Corpus;
import dev.autoconvert.format.testing.KernelMount;
import dev.autoconvert.format.testing.OverlayLayers;
import dev.autoconvert.format.testing.SyntheticImage;
import dev.autoconvert.format.testing.Tools;
import dev.autoconvert.format.testing.TreeFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The merged bootstrap mounted through the kernel's EROFS driver shows the same tree as the
 * kernel's overlayfs stacking the same layers: overlayfs is the reference for the merge rules.
 */
class MergedImageKernelIntegrationTests {

  @TempDir Path tmp;

  @BeforeAll
  static void needMount() {
    KernelMount.assumeAvailable();
    assumeTrue(
        Tools.onPath("setfattr") && Tools.onPath("mknod"),
        "SKIPPED: setfattr or mknod not on PATH");
  }

  @Test
  void erofsMountOfTheMergedImageEqualsOverlayfsOfTheLayers() throws Exception {
    List<SyntheticImage> layers = Corpus.layers();
    MergedTree merged = LayerMerger.merge(layers.stream().map(SyntheticImage::layer).toList());
    Path boot = tmp.resolve("merged.boot");
    List<Path> caches =
        MergedImageErofsTests.writeMerged(layers, merged, tmp, boot).stream()
            .map(Path::of)
            .toList();
    Path mnt = Files.createDirectory(tmp.resolve("erofs"));

    try (OverlayLayers overlay = new OverlayLayers(Files.createDirectory(tmp.resolve("overlay")));
        KernelMount erofs = KernelMount.mount(boot, caches, mnt)) {
      Path reference = overlay.mountMerged(layers);
      Map<String, TreeFacts.Facts> ours = TreeFacts.actual(erofs.root(), true);
      Map<String, TreeFacts.Facts> theirs = TreeFacts.actual(reference, true);

      // overlayfs reports nlink 1 for merged directories and the lower inode's nlink for files
      // whose hardlink group an upper layer split; nlink is checked against the model below.
      ours.replaceAll((p, f) -> MergedImageErofsTests.withNlink(f, 0));
      theirs.replaceAll((p, f) -> MergedImageErofsTests.withNlink(f, 0));
      assertThat(TreeFacts.differences(theirs, ours)).isEmpty();

      assertThat(
              TreeFacts.differences(
                  TreeFacts.expected(merged.entries(), SyntheticImage.contentOf(layers), true),
                  TreeFacts.actual(erofs.root(), true)))
          .isEmpty();
      assertThat(Files.getAttribute(mnt.resolve("usr/bin/tool-b"), "unix:nlink")).isEqualTo(2);
      assertThat(Files.getAttribute(mnt.resolve("usr/bin/tool"), "unix:nlink")).isEqualTo(1);
    }
  }
}
