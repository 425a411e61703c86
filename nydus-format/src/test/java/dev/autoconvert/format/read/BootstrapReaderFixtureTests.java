package dev.autoconvert.format.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoconvert.format.Compressor;
import dev.autoconvert.format.Digester;
import dev.autoconvert.format.Fixtures;
import dev.autoconvert.format.FormatException;
import dev.autoconvert.format.tree.BlobInfo;
import dev.autoconvert.format.tree.Entry;
import dev.autoconvert.format.tree.FileType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our reader against bootstraps made by nydus itself; expectations from the fixtures' README. */
class BootstrapReaderFixtureTests {

  private static final String BE7D =
      "be7d77eeb719f70884758d1aa800ed0fb09d701aaec469964e9d54325f0d5fef";
  private static final String TOC_BLOB =
      "2fa78cad554b75ac91a4a125ed148d0ddeb25efa4aaa8bd80e5dc292690a4dca";

  private static Bootstrap read(String name) throws Exception {
    return BootstrapReader.read(Files.readAllBytes(Fixtures.file(name)), name);
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  @Test
  void nydus22BootstrapHasOneBlobTwoFilesAndTheirContent() throws Exception {
    Bootstrap b = read("rafs-v6-2.2.boot");

    assertThat(b.rootNid()).isEqualTo(128);
    assertThat(b.superblock().inos()).isEqualTo(3);
    assertThat(b.superblock().metaBlkaddr()).isEqualTo(2);
    assertThat(b.superblock().blocks()).isEqualTo(9);
    assertThat(b.extSuperblock().flags()).isEqualTo(0x194);
    assertThat(b.chunkSize()).isEqualTo(1 << 20);
    assertThat(b.extSuperblock().chunkTableOffset()).isEqualTo(16384);
    assertThat(b.extSuperblock().chunkTableSize()).isEqualTo(160);
    assertThat(b.devices())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.tag()).isEqualTo(BE7D);
              assertThat(d.blocks()).isEqualTo(9);
              assertThat(d.mappedBlkaddr()).isEqualTo(512);
            });
    BlobInfo blob = b.blobs().get(0);
    assertThat(blob.blobId()).isEqualTo(BE7D);
    assertThat(blob.chunkCount()).isEqualTo(2);
    assertThat(blob.compressor()).isEqualTo(Compressor.ZSTD);
    assertThat(blob.digester()).isEqualTo(Digester.BLAKE3);
    assertThat(blob.features()).isEqualTo(0x70000021);
    assertThat(blob.compressedSize()).isEqualTo(14554);
    assertThat(blob.uncompressedSize()).isEqualTo(36864);
    assertThat(blob.ciOffset()).isEqualTo(8314);
    assertThat(blob.ciCompressedSize()).isEqualTo(32);

    assertThat(b.entries()).extracting(Entry::path).containsExactly("/", "/lib.rs", "/sync_io.rs");
    Entry root = b.entry("/");
    assertThat(root.type()).isEqualTo(FileType.DIRECTORY);
    assertThat(root.mode()).isEqualTo(0755);
    assertThat(b.inode("/").nlink()).isEqualTo(2);
    Entry lib = b.entry("/lib.rs");
    assertThat(lib.type()).isEqualTo(FileType.REGULAR);
    assertThat(lib.mode()).isEqualTo(0644);
    assertThat(lib.size()).isEqualTo(16931);
    assertThat(lib.chunks())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.index()).isZero();
              assertThat(c.uncompressedOffset()).isZero();
              assertThat(HexFormat.of().formatHex(c.digest()))
                  .isEqualTo("f7e2735f1c6ae9cde91e537416b09d8bb71b306a421d19cc1012a51f93a7fe69");
              assertThat(c.hasCrc32()).as("nydus 2.2 wrote no chunk CRC").isFalse();
            });
    Entry sync = b.entry("/sync_io.rs");
    assertThat(sync.size()).isEqualTo(13400);
    assertThat(sync.chunks())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.index()).isEqualTo(1);
              assertThat(c.uncompressedOffset()).isEqualTo(20480);
              assertThat(HexFormat.of().formatHex(c.digest()))
                  .isEqualTo("812465bcc9e88393598311dc5fc93abaeccef0185bcd99f9701d17ebdf9adc3f");
            });
    assertThat(b.prefetchNids()).isEmpty();

    Path cache = Fixtures.file("derived/" + BE7D + ".blob.data");
    try (CachedContent content = new CachedContent(List.of(cache), Digester.BLAKE3)) {
      assertThat(sha256(content.read(lib)))
          .isEqualTo("1810eba864521293bb0d6b55a3c82318d4d89f294ed761c456d9088a17de0c69");
      assertThat(sha256(content.read(sync)))
          .isEqualTo("e629ab260ff0dc02a24648a3e0dd8c13a5daf233d535c330e3201925f5eeff96");
    }
  }

  @Test
  void bootstrapEmbeddedInTocBlobHasThreeFilesAndTheirContent() throws Exception {
    Bootstrap b = read("derived/" + TOC_BLOB + ".image.boot");

    assertThat(b.rootNid()).isEqualTo(128);
    assertThat(b.blobs())
        .singleElement()
        .satisfies(
            blob -> {
              assertThat(blob.blobId())
                  .isEqualTo("d788a0eac4ff9779bc2eae3842117a918d847d90fddbea1503f7c5296a4a7de3");
              assertThat(blob.features()).isEqualTo(0x1);
              assertThat(blob.chunkCount()).isEqualTo(3);
              assertThat(blob.compressor()).isEqualTo(Compressor.ZSTD);
              assertThat(blob.uncompressedSize()).isEqualTo(12288);
            });
    assertThat(b.devices().get(0).mappedBlkaddr()).isZero();
    assertThat(b.entries())
        .extracting(Entry::path)
        .containsExactly("/", "/error.rs", "/lib.rs", "/logger.rs");

    Path cache = Fixtures.file("derived/" + TOC_BLOB + ".blob.data");
    try (CachedContent content = new CachedContent(List.of(cache))) {
      assertThat(b.entry("/error.rs").size()).isEqualTo(2816);
      assertThat(sha256(content.read(b.entry("/error.rs"))))
          .isEqualTo("b23741280bb7fbbd48b68da04f1ee8a4559a3191fd26e7bc332fe9a82205750b");
      assertThat(b.entry("/lib.rs").size()).isEqualTo(678);
      assertThat(sha256(content.read(b.entry("/lib.rs"))))
          .isEqualTo("7628231c52136b04935025215115e29df7f16f223f66c7793e70721483896210");
      assertThat(b.entry("/logger.rs").size()).isEqualTo(3115);
      assertThat(sha256(content.read(b.entry("/logger.rs"))))
          .isEqualTo("085f726e0b038b4121a0c9fa15a04e154f80e703be78b3d54c2dd445eae807bc");
    }
  }

  @Test
  void mergedDebianBootstrapHas3517EntriesSymlinksAndHardlinks() throws Exception {
    Bootstrap b = read("v6-image-raw-size-438272.boot");

    assertThat(b.rootNid()).isEqualTo(128);
    assertThat(b.entries()).hasSize(3517);
    assertThat(b.superblock().inos()).isEqualTo(3517);
    assertThat(b.extSuperblock().flags() & 0x2).as("lz4_block").isEqualTo(0x2);
    assertThat(b.blobs())
        .singleElement()
        .satisfies(
            blob -> {
              assertThat(blob.blobId()).startsWith("cdde6f56");
              assertThat(blob.chunkCount()).isEqualTo(2515);
              assertThat(blob.uncompressedSize()).isEqualTo(20451L * 4096);
              assertThat(blob.compressor()).isEqualTo(Compressor.LZ4_BLOCK);
              assertThat(blob.ciCompressor()).isEqualTo(Compressor.LZ4_BLOCK);
            });
    assertThat(b.devices().get(0).blocks()).isEqualTo(20451);
    assertThat(b.prefetchNids()).containsExactly(142L);

    Entry bin = b.entry("/bin");
    assertThat(bin.type()).isEqualTo(FileType.SYMLINK);
    assertThat(bin.linkTarget()).isEqualTo("usr/bin");
    assertThat(b.inode("/usr/bin/perl").nlink()).isEqualTo(2);
    assertThat(b.inode("/usr/bin/perl5.34.0").nlink()).isEqualTo(2);
    assertThat(b.inode("/usr/bin/perl").ino()).isEqualTo(b.inode("/usr/bin/perl5.34.0").ino());
    assertThat(b.entry("/usr/bin/perl5.34.0").hardlinkTo()).isEqualTo("/usr/bin/perl");
    Entry usrBin = b.entry("/usr/bin");
    assertThat(usrBin.type()).isEqualTo(FileType.DIRECTORY);
    assertThat(
            b.entries().stream()
                .filter(e -> e.path().startsWith("/usr/bin/"))
                .filter(e -> e.path().lastIndexOf('/') == 8))
        .hasSize(222 + 74 - 2);
    long chunkRefs = b.entries().stream().mapToLong(e -> e.chunks().size()).sum();
    assertThat(chunkRefs).isGreaterThanOrEqualTo(2515);
  }

  @Test
  void damagedCacheDataFailsTheChunkDigestCheck(@TempDir Path tmp) throws Exception {
    Bootstrap b = read("rafs-v6-2.2.boot");
    byte[] data = Files.readAllBytes(Fixtures.file("derived/" + BE7D + ".blob.data"));
    data[20480 + 100] ^= 1; // inside sync_io.rs, chunk 1
    Path cache = Files.write(tmp.resolve("damaged.blob.data"), data);

    try (CachedContent content = new CachedContent(List.of(cache), Digester.BLAKE3)) {
      assertThat(content.read(b.entry("/lib.rs"))).hasSize(16931);
      assertThatThrownBy(() -> content.read(b.entry("/sync_io.rs")))
          .isInstanceOf(FormatException.class)
          .hasMessageContainingAll(
              "damaged.blob.data", "offset 20480", "chunk 1 of /sync_io.rs", "blake3 812465bc");
    }
  }
}
