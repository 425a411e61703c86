package dev.autoconvert.format.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.autoconvert.format.Fixtures;
import dev.autoconvert.format.read.Bootstrap;
import dev.autoconvert.format.read.BootstrapReader;
import dev.autoconvert.format.testing.Tools;
import dev.autoconvert.format.tree.Entry;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Debian tree of the acceleration-service fixture (3517 entries, symlinks, old-style
 * hardlinks, multi-block directories), read and written again by us: same tree, and erofs-utils
 * accepts our bytes. Its data blob is not available, so a zero-filled device stands in.
 */
class UpstreamTreeRewriteTests {

  static final String DEBIAN = "v6-image-raw-size-438272.boot";

  @TempDir Path tmp;

  static Bootstrap upstream() throws Exception {
    return BootstrapReader.read(Files.readAllBytes(Fixtures.file(DEBIAN)), DEBIAN);
  }

  static byte[] rewrite(Bootstrap b) {
    return BootstrapWriter.write(b.entries(), b.blobs(), BootstrapOptions.merged(b.chunkSize()));
  }

  /** A sparse all-zero stand-in for the missing data blob, as large as its device slot. */
  static Path zeroDevice(Bootstrap b, Path dir) throws Exception {
    Path device = dir.resolve("zero.blob.data");
    try (RandomAccessFile f = new RandomAccessFile(device.toFile(), "rw")) {
      f.setLength(b.devices().get(0).blocks() * 4096);
    }
    return device;
  }

  @Test
  void debianTreeRewrittenByUsReadsBackTheSame() throws Exception {
    Bootstrap theirs = upstream();
    Bootstrap ours = BootstrapReader.read(rewrite(theirs), "rewritten");

    assertThat(ours.entries()).hasSize(3517);
    Map<String, Entry> byPath =
        ours.entries().stream().collect(Collectors.toMap(Entry::path, Function.identity()));
    for (Entry t : theirs.entries()) {
      Entry o = byPath.get(t.path());
      assertThat(o).as(t.path()).isNotNull();
      assertThat(List.of(o.type(), o.mode(), o.uid(), o.gid(), o.mtime(), o.size()))
          .as(t.path())
          .isEqualTo(List.of(t.type(), t.mode(), t.uid(), t.gid(), t.mtime(), t.size()));
      assertThat(o.linkTarget()).as(t.path()).isEqualTo(t.linkTarget());
      assertThat(o.xattrs().keySet()).as(t.path()).isEqualTo(t.xattrs().keySet());
      assertThat(chunks(o)).as(t.path()).isEqualTo(chunks(t));
      assertThat(ours.inode(t.path()).nlink())
          .as(t.path())
          .isEqualTo(theirs.inode(t.path()).nlink());
    }
    // Old-style hardlinks (two inodes, one i_ino) become one shared inode.
    assertThat(ours.inode("/usr/bin/perl").nid())
        .isEqualTo(ours.inode("/usr/bin/perl5.34.0").nid());
    assertThat(ours.extSuperblock().chunkTableSize())
        .isEqualTo(theirs.extSuperblock().chunkTableSize());
  }

  private static List<String> chunks(Entry e) {
    return e.chunks().stream()
        .map(
            c ->
                c.blobIndex()
                    + "/"
                    + c.index()
                    + "@"
                    + c.uncompressedOffset()
                    + " "
                    + HexFormat.of().formatHex(c.digest()))
        .toList();
  }

  @Test
  void erofsUtilsAcceptTheRewrittenDebianTree() throws Exception {
    assumeTrue(
        Tools.onPath("fsck.erofs") && Tools.onPath("dump.erofs"),
        "SKIPPED: erofs-utils not on PATH");
    Bootstrap theirs = upstream();
    Path boot = tmp.resolve("rewritten.boot");
    Files.write(boot, rewrite(theirs));
    Path device = zeroDevice(theirs, tmp);

    Tools.run(List.of("fsck.erofs", "--device=" + device, boot.toString())).requireSuccess();
    String ls =
        Tools.run(
                List.of(
                    "dump.erofs", "--device=" + device, "--ls", "--path=/usr/bin", boot.toString()))
            .requireSuccess()
            .stdout();
    assertThat(ls).contains("perl5.34.0").contains("apt-get");
    assertThat(
            Tools.run(
                    List.of(
                        "dump.erofs",
                        "--device=" + device,
                        "--path=/usr/bin/perl",
                        boot.toString()))
                .requireSuccess()
                .stdout())
        .contains("Links: 2");
  }
}
