package dev.autoconvert.format.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.autoconvert.format.testing.Corpus;
import dev.autoconvert.format.testing.SyntheticImage;
import dev.autoconvert.format.testing.Tools;
import dev.autoconvert.format.testing.TreeFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Third-party proof without root: erofs-utils (fsck.erofs, dump.erofs) read what we write, with the
 * synthetic blob caches as extra devices. fsck.erofs 1.5 does not extract xattrs; the kernel mount
 * test covers them.
 */
class ErofsUtilsTests {

  @TempDir Path tmp;

  @BeforeAll
  static void needErofsUtils() {
    assumeTrue(
        Tools.onPath("fsck.erofs") && Tools.onPath("dump.erofs"),
        "SKIPPED: erofs-utils (fsck.erofs, dump.erofs) not on PATH");
  }

  private Path writeBootstrap(SyntheticImage img, String name) throws Exception {
    byte[] boot =
        BootstrapWriter.write(img.entries(), img.blobs(), BootstrapOptions.merged(img.chunkSize()));
    Path p = tmp.resolve(name);
    Files.write(p, boot);
    return p;
  }

  private static List<String> withDevices(List<Path> caches, String... rest) {
    List<String> cmd = new ArrayList<>();
    cmd.add(rest[0]);
    for (Path c : caches) {
      cmd.add("--device=" + c);
    }
    cmd.addAll(List.of(rest).subList(1, rest.length));
    return cmd;
  }

  @Test
  void fsckExtractsEveryEntryTypeAsWritten() throws Exception {
    SyntheticImage img = Corpus.everyEntryType();
    Path boot = writeBootstrap(img, "corpus.boot");
    List<Path> caches = img.writeCaches(tmp);
    Path out = tmp.resolve("extracted");

    Tools.run(withDevices(caches, "fsck.erofs", "--extract=" + out, boot.toString()))
        .requireSuccess();

    Map<String, TreeFacts.Facts> expected = TreeFacts.expected(img.entries(), img::content, false);
    Map<String, TreeFacts.Facts> actual = TreeFacts.actual(out, false);
    boolean root = Tools.isRoot();
    expected.replaceAll((p, f) -> asFsckExtracts(f, root));
    actual.replaceAll((p, f) -> asFsckExtracts(f, root));
    assertThat(TreeFacts.differences(expected, actual)).isEmpty();

    // What extraction loses, dump.erofs shows: one inode (same NID) for the three names, its
    // nlink, and its xattrs.
    List<String> dumps = new ArrayList<>();
    for (String name : List.of("/usr/bin/ping", "/usr/bin/ping-hardlink", "/etc/ping-elsewhere")) {
      dumps.add(
          Tools.run(withDevices(caches, "dump.erofs", "--path=" + name, boot.toString()))
              .requireSuccess()
              .stdout());
    }
    assertThat(dumps)
        .allSatisfy(d -> assertThat(d).containsPattern("Links: 3\\b").contains("Size: 9000"));
    assertThat(dumps).extracting(ErofsUtilsTests::nid).containsOnly(nid(dumps.get(0)));
    assertThat(dumps.get(0)).containsPattern("Xattr size: [1-9]");
  }

  private static String nid(String dump) {
    return dump.replaceAll("(?s).*NID: (\\d+).*", "$1");
  }

  /**
   * fsck.erofs 1.5 extracts each hardlinked name as its own file and drops set-id bits of regular
   * files (checked with an image from its own mkfs.erofs); without root it cannot set owners.
   */
  private static TreeFacts.Facts asFsckExtracts(TreeFacts.Facts f, boolean root) {
    boolean regular = f.type().equals("REGULAR");
    return new TreeFacts.Facts(
        f.type(),
        regular ? Integer.toOctalString(Integer.parseInt(f.mode(), 8) & 0777) : f.mode(),
        root ? f.uid() : 0,
        root ? f.gid() : 0,
        f.size(),
        f.sha256(),
        f.target(),
        f.rdev(),
        regular ? 1 : f.nlink(),
        f.xattrs());
  }

  @Test
  void dumpListsTheMultiBlockDirectoryAndShowsTheSuperblock() throws Exception {
    SyntheticImage img = Corpus.everyEntryType();
    Path boot = writeBootstrap(img, "corpus.boot");
    List<Path> caches = img.writeCaches(tmp);

    String ls =
        Tools.run(
                withDevices(caches, "dump.erofs", "--ls", "--path=" + Corpus.MANY, boot.toString()))
            .requireSuccess()
            .stdout();
    for (int i = 0; i < Corpus.MANY_COUNT; i++) {
      assertThat(ls).contains("entry-with-a-moderately-long-name-" + i);
    }
    String sb =
        Tools.run(withDevices(caches, "dump.erofs", "-s", boot.toString()))
            .requireSuccess()
            .stdout();
    assertThat(sb).containsPattern("root nid:\\s+128");
  }

  @Test
  void emptyImageWithoutBlobsPassesFsckWithoutDevices() throws Exception {
    SyntheticImage img = new SyntheticImage(Corpus.CHUNK_SIZE, 0);
    img.add(SyntheticImage.dir("/etc"))
        .add(SyntheticImage.file("/etc/empty"))
        .add(SyntheticImage.symlink("/l", "etc"));
    Path boot = writeBootstrap(img, "empty.boot");
    Path out = tmp.resolve("extracted");

    Tools.run(List.of("fsck.erofs", "--extract=" + out, boot.toString())).requireSuccess();

    assertThat(
            TreeFacts.differences(
                TreeFacts.expected(img.entries(), img::content, false),
                TreeFacts.actual(out, false)))
        .isEmpty();
  }
}
