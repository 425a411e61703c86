package dev.autoconvert.format.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.autoconvert.format.bootstrap.BootstrapOptions;
import dev.autoconvert.format.bootstrap.BootstrapWriter;
import dev.autoconvert.format.testing.Corpus;
import dev.autoconvert.format.testing.SyntheticImage;
import dev.autoconvert.format.testing.Tools;
import dev.autoconvert.format.testing.TreeFacts;
import dev.autoconvert.format.tree.BlobInfo;
import dev.autoconvert.format.tree.LayerTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A merged four-layer image, written as one bootstrap, extracted by fsck.erofs. */
class MergedImageErofsTests {

  @TempDir Path tmp;

  /** Writes the merged bootstrap and returns the fsck.erofs command's device arguments. */
  static List<String> writeMerged(
      List<SyntheticImage> layers, MergedTree merged, Path dir, Path boot) throws Exception {
    Files.write(
        boot,
        BootstrapWriter.write(
            merged.entries(), merged.blobs(), BootstrapOptions.merged(Corpus.CHUNK_SIZE)));
    List<String> devices = new ArrayList<>();
    for (BlobInfo blob : merged.blobs()) {
      for (int i = 0; i < layers.size(); i++) {
        if (layers.get(i).blobs().get(0).blobId().equals(blob.blobId())) {
          devices.add(
              layers
                  .get(i)
                  .writeCaches(Files.createDirectories(dir.resolve("layer-" + i)))
                  .get(0)
                  .toString());
        }
      }
    }
    assertThat(devices).hasSameSizeAs(merged.blobs());
    return devices;
  }

  @Test
  void fsckExtractsTheMergedTreeWithOverlaySemantics() throws Exception {
    assumeTrue(Tools.onPath("fsck.erofs"), "SKIPPED: fsck.erofs not on PATH");
    List<SyntheticImage> layers = Corpus.layers();
    MergedTree merged = LayerMerger.merge(layers.stream().map(SyntheticImage::layer).toList());
    Path boot = tmp.resolve("merged.boot");
    List<String> caches = writeMerged(layers, merged, tmp, boot);
    Path out = tmp.resolve("out");

    List<String> cmd = new ArrayList<>(List.of("fsck.erofs"));
    caches.forEach(c -> cmd.add("--device=" + c));
    cmd.addAll(List.of("--extract=" + out, boot.toString()));
    Tools.run(cmd).requireSuccess();

    Map<String, TreeFacts.Facts> actual = TreeFacts.actual(out, false);
    assertThat(actual.keySet())
        .containsExactly(
            "/",
            "/dev",
            "/dev/null",
            "/etc",
            "/etc/hostname",
            "/etc/passwd",
            "/flip",
            "/opaque",
            "/opaque/upper",
            "/p",
            "/p/q",
            "/usr",
            "/usr/bin",
            "/usr/bin/tool",
            "/usr/bin/tool-a",
            "/usr/bin/tool-b",
            "/var",
            "/var/lib",
            "/var/lib/fresh");
    assertThat(actual.get("/etc").mode()).isEqualTo("755");
    assertThat(actual.get("/opaque").mode())
        .as("implied by layer 2, keeps layer 1's")
        .isEqualTo("750");
    assertThat(actual.get("/p").mode()).isEqualTo("705");
    assertThat(actual.get("/flip").target()).isEqualTo("flipped-back");
    assertThat(actual.get("/usr/bin/tool").size()).isEqualTo("replaced".length());
    assertThat(actual.get("/usr/bin/tool-a").size()).isEqualTo(3L * Corpus.CHUNK_SIZE + 7);
    assertThat(actual.get("/p/q").sha256())
        .isEqualTo(HexFormat.of().formatHex(SyntheticImage.sha256("second life".getBytes())));
    assertThat(merged.blobs()).as("layer 3 holds no data").hasSize(3);

    Map<String, TreeFacts.Facts> expected =
        TreeFacts.expected(merged.entries(), SyntheticImage.contentOf(layers), false);
    // fsck.erofs 1.5 extracts hardlinked names as separate files (see ErofsUtilsTests).
    expected.replaceAll((p, f) -> f.type().equals("REGULAR") ? withNlink(f, 1) : f);
    assertThat(TreeFacts.differences(expected, actual)).isEmpty();
  }

  static TreeFacts.Facts withNlink(TreeFacts.Facts f, long nlink) {
    return new TreeFacts.Facts(
        f.type(),
        f.mode(),
        f.uid(),
        f.gid(),
        f.size(),
        f.sha256(),
        f.target(),
        f.rdev(),
        nlink,
        f.xattrs());
  }

  @Test
  void perLayerBootstrapsAreValidForErofsUtilsToo() throws Exception {
    assumeTrue(Tools.onPath("fsck.erofs"), "SKIPPED: fsck.erofs not on PATH");
    // The per-layer bootstrap keeps whiteouts as plain empty files (nydus --whiteout-spec none).
    SyntheticImage l2 = Corpus.layers().get(1);
    LayerTree tree = l2.layer();
    Path boot = tmp.resolve("layer.boot");
    Files.write(
        boot,
        BootstrapWriter.write(
            tree.entries(), List.of(tree.blob()), BootstrapOptions.inlined(Corpus.CHUNK_SIZE)));
    Path cache = l2.writeCaches(tmp).get(0);
    Path out = tmp.resolve("out");

    Tools.run(List.of("fsck.erofs", "--device=" + cache, "--extract=" + out, boot.toString()))
        .requireSuccess();

    assertThat(out.resolve("etc/.wh.group")).isEmptyFile();
    assertThat(out.resolve("opaque/.wh..wh..opq")).isEmptyFile();
    assertThat(out.resolve("usr/bin/tool")).hasContent("replaced");
  }
}
