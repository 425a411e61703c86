package dev.autoconvert.format.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoconvert.format.Fixtures;
import dev.autoconvert.format.FormatException;
import dev.autoconvert.format.bootstrap.BootstrapOptions;
import dev.autoconvert.format.bootstrap.BootstrapWriter;
import dev.autoconvert.format.layout.Bytes;
import dev.autoconvert.format.layout.ExtSuperblock;
import dev.autoconvert.format.layout.Superblock;
import dev.autoconvert.format.testing.Corpus;
import dev.autoconvert.format.testing.SyntheticImage;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Damaged bootstraps fail with one FormatException naming resource, offset, expected, actual. */
class BootstrapReaderCorruptionTests {

  private static byte[] fixture() throws Exception {
    return Files.readAllBytes(Fixtures.file("rafs-v6-2.2.boot"));
  }

  private static void fails(byte[] bytes, String... parts) {
    assertThatThrownBy(() -> BootstrapReader.read(bytes, "test.boot"))
        .isInstanceOf(FormatException.class)
        .hasMessageStartingWith("test.boot: ")
        .hasMessageContainingAll(parts);
  }

  @Test
  void wrongMagicIsReportedFirst() throws Exception {
    byte[] b = fixture();
    b[1024] = 0;
    b[1024 + 80] = 0x7f; // also a bad incompat: magic must win
    fails(b, "EROFS magic", "offset 1024", "expected 0xe0f5e1e2", "found 0xe0f5e100");
  }

  @Test
  void truncatedFileIsReported() throws Exception {
    fails(Arrays.copyOf(fixture(), 1100), "EROFS superblock", "truncated");
  }

  @Test
  void unknownIncompatFeatureIsReported() throws Exception {
    byte[] b = fixture();
    b[Superblock.OFFSET + Superblock.OFF_FEATURE_INCOMPAT] = 0x1c;
    fails(b, "feature_incompat", "offset 1104", "expected 12", "found 28");
  }

  @Test
  void unknownExtendedFlagIsReported() throws Exception {
    byte[] b = fixture();
    b[ExtSuperblock.OFFSET + 3] = 0x40;
    fails(b, "extended superblock flags", "only known bits");
  }

  @Test
  void sizeNotAMultipleOf4096IsReported() throws Exception {
    fails(Arrays.copyOf(fixture(), 20000), "bootstrap size", "a multiple of 4096", "20000");
  }

  @Test
  void chunkTableBeyondTheFileIsReported() throws Exception {
    byte[] b = fixture();
    Bytes.wrap(b).putLong(ExtSuperblock.OFFSET + ExtSuperblock.OFF_CHUNK_TABLE_OFFSET, 1 << 20);
    fails(b, "chunk table", "inside");
  }

  @Test
  void unsortedDirentsAreReported() throws Exception {
    byte[] b = fixture();
    // Root dirents at 0x3040, names "...lib.rssync_io.rs" at 0x3070: turn "lib.rs" into "zib.rs".
    b[0x3070 + 3] = 'z';
    fails(b, "dirent order in /", "'sync_io.rs' after 'zib.rs'");
  }

  @Test
  void chunkIndexWithoutChunkRecordIsReported() throws Exception {
    byte[] b = fixture();
    b[0x30e0 + 4] = 7; // lib.rs chunk 0 now claims block 7
    fails(b, "chunk 0 of /lib.rs", "block 7");
  }

  @Test
  void inodeOutsideTheFileIsReported() throws Exception {
    byte[] b = fixture();
    Bytes.wrap(b).putLong(0x3040 + 2 * 12, 1 << 20); // third dirent (lib.rs): its nid
    fails(b, "inode of /lib.rs", "nid 1048576");
  }

  @Test
  void randomDamageNeverEscapesAsAnotherException() throws Exception {
    SyntheticImage img = Corpus.everyEntryType();
    byte[] good =
        BootstrapWriter.write(
            img.entries(), img.blobs(), BootstrapOptions.merged(Corpus.CHUNK_SIZE));
    Random random = new Random(42);
    for (int round = 0; round < 100; round++) {
      byte[] bad = good.clone();
      for (int i = 0; i < 8; i++) {
        bad[1024 + random.nextInt(bad.length - 1024)] ^= (byte) (1 + random.nextInt(255));
      }
      try {
        BootstrapReader.read(bad, "damaged.boot");
      } catch (FormatException expected) {
        assertThat(expected).hasMessageStartingWith("damaged.boot: ");
      }
    }
  }
}
