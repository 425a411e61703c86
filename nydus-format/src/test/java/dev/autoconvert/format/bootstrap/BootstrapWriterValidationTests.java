package dev.autoconvert.format.bootstrap;

import static dev.autoconvert.format.testing.SyntheticImage.dir;
import static dev.autoconvert.format.testing.SyntheticImage.file;
import static dev.autoconvert.format.testing.SyntheticImage.hardlink;
import static dev.autoconvert.format.testing.SyntheticImage.symlink;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoconvert.format.testing.SyntheticImage;
import dev.autoconvert.format.tree.Entry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Trees a bootstrap cannot represent are refused with the offending entry named. */
class BootstrapWriterValidationTests {

  private static final BootstrapOptions OPTIONS = BootstrapOptions.merged(4096);

  private static void rejects(SyntheticImage img, String... messageParts) {
    assertThatThrownBy(() -> BootstrapWriter.write(img.entries(), img.blobs(), OPTIONS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll(messageParts);
  }

  @Test
  void xattrOutsideTheFiveNamespacesIsRefused() {
    rejects(
        new SyntheticImage(4096, 0).add(file("/f").xattr("system.foo", "x")), "/f", "system.foo");
  }

  @Test
  void hardlinkToADirectoryIsRefused() {
    rejects(
        new SyntheticImage(4096, 0).add(dir("/d")).add(hardlink("/h", "/d")),
        "/h",
        "/d",
        "DIRECTORY");
  }

  @Test
  void hardlinkToAMissingPathIsRefused() {
    rejects(new SyntheticImage(4096, 0).add(hardlink("/h", "/nope")), "/h", "/nope");
  }

  @Test
  void childOfAFileIsRefused() {
    rejects(
        new SyntheticImage(4096, 0).add(file("/f")).add(file("/f/child")), "/f/child", "REGULAR");
  }

  @Test
  void nameLongerThan255BytesIsRefused() {
    rejects(new SyntheticImage(4096, 0).add(file("/" + "é".repeat(128))), "256 bytes");
  }

  @Test
  void emptySymlinkTargetIsRefused() {
    rejects(new SyntheticImage(4096, 0).add(symlink("/l", "")), "/l", "empty target");
  }

  @Test
  void unnormalisedPathIsRefused() {
    rejects(new SyntheticImage(4096, 0).add(file("/a/../b")), "/a/../b");
  }

  @Test
  void fileWithTooFewChunksIsRefused() {
    SyntheticImage img = new SyntheticImage(4096, 1).add(file("/f").content(new byte[5000]));
    Entry e = img.entries().get(0);
    List<Entry> cut = new ArrayList<>();
    cut.add(e.withChunks(e.chunks().subList(0, 1)));
    assertThatThrownBy(() -> BootstrapWriter.write(cut, img.blobs(), OPTIONS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("/f", "need 2 chunks", "has 1");
  }

  @Test
  void blobWithAnotherChunkSizeIsRefused() {
    SyntheticImage img = new SyntheticImage(8192, 1).add(file("/f").content("x"));
    assertThatThrownBy(() -> BootstrapWriter.write(img.entries(), img.blobs(), OPTIONS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("chunk size 8192", "4096");
  }

  @Test
  void chunkSizeOutsideTheRafsRangeIsRefused() {
    assertThatThrownBy(() -> BootstrapOptions.merged(1000)).hasMessageContaining("1000");
    assertThatThrownBy(() -> BootstrapOptions.merged(32 << 20)).hasMessageContaining("33554432");
  }
}
