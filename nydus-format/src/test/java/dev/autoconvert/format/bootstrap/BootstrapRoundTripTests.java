package dev.autoconvert.format.bootstrap;

import static dev.autoconvert.format.testing.SyntheticImage.dir;
import static dev.autoconvert.format.testing.SyntheticImage.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoconvert.format.Digester;
import dev.autoconvert.format.FormatException;
import dev.autoconvert.format.layout.BlobTableEntry;
import dev.autoconvert.format.layout.Bytes;
import dev.autoconvert.format.layout.ChunkInfo;
import dev.autoconvert.format.layout.ExtSuperblock;
import dev.autoconvert.format.layout.ExtendedInode;
import dev.autoconvert.format.read.Bootstrap;
import dev.autoconvert.format.read.BootstrapReader;
import dev.autoconvert.format.read.CachedContent;
import dev.autoconvert.format.testing.Corpus;
import dev.autoconvert.format.testing.SyntheticImage;
import dev.autoconvert.format.tree.BlobInfo;
import dev.autoconvert.format.tree.Chunk;
import dev.autoconvert.format.tree.Entry;
import dev.autoconvert.format.tree.FileType;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the writer writes, our reader reads back, and the bytes follow NYDUS-FORMAT.md §1. */
class BootstrapRoundTripTests {

  private static final SyntheticImage CORPUS = Corpus.everyEntryType();

  private static byte[] write(SyntheticImage img, BootstrapOptions options) {
    return BootstrapWriter.write(img.entries(), img.blobs(), options);
  }

  @Test
  void everyEntryReadsBackAsWritten() throws Exception {
    Bootstrap b = BootstrapReader.read(write(CORPUS, BootstrapOptions.merged(Corpus.CHUNK_SIZE)));
    Map<String, Entry> read =
        b.entries().stream().collect(Collectors.toMap(Entry::path, Function.identity()));

    for (Entry written : CORPUS.entries()) {
      Entry got = read.get(written.path());
      assertThat(got).as(written.path()).isNotNull();
      Entry inode = written.hardlinkTo() == null ? written : find(written.hardlinkTo());
      assertThat(got.type()).as(written.path()).isEqualTo(inode.type());
      assertThat(got.mode()).as(written.path()).isEqualTo(inode.mode());
      assertThat(got.uid()).isEqualTo(inode.uid());
      assertThat(got.gid()).isEqualTo(inode.gid());
      assertThat(got.mtime()).isEqualTo(inode.mtime());
      assertThat(got.linkTarget()).isEqualTo(inode.linkTarget());
      assertThat(got.rdevMajor()).isEqualTo(inode.rdevMajor());
      assertThat(got.rdevMinor()).isEqualTo(inode.rdevMinor());
      if (inode.type() != FileType.DIRECTORY) {
        assertThat(got.size()).as(written.path()).isEqualTo(inode.size());
      }
      assertThat(got.xattrs().keySet()).isEqualTo(inode.xattrs().keySet());
      inode.xattrs().forEach((k, v) -> assertThat(got.xattrs().get(k)).as(k).isEqualTo(v));
      assertThat(chunkFacts(got.chunks())).as(written.path()).isEqualTo(chunkFacts(inode.chunks()));
    }
    // Parents synthesised, 0755 root:root, nlink 2 + subdirectories.
    assertThat(read.get("/usr").type()).isEqualTo(FileType.DIRECTORY);
    assertThat(read.get("/usr").mode()).isEqualTo(0755);
    assertThat(b.inode("/usr").nlink()).isEqualTo(3);
    // etc, home, usr, tmp, dev, run, names, plain-dir, many-entries
    assertThat(b.inode("/").nlink()).isEqualTo(2 + 9);
    // One inode for the three hardlinked names.
    long nid = b.inode("/usr/bin/ping").nid();
    assertThat(b.inode("/etc/ping-elsewhere").nid()).isEqualTo(nid);
    assertThat(b.inode("/usr/bin/ping-hardlink").nid()).isEqualTo(nid);
    assertThat(b.inode("/usr/bin/ping").nlink()).isEqualTo(3);
    assertThat(read.get("/usr/bin/ping").hardlinkTo()).isEqualTo("/etc/ping-elsewhere");
    assertThat(b.superblock().inos()).isEqualTo(b.entries().size());
  }

  private static Entry find(String path) {
    return CORPUS.entries().stream().filter(e -> e.path().equals(path)).findFirst().orElseThrow();
  }

  private static List<String> chunkFacts(List<Chunk> chunks) {
    return chunks.stream()
        .map(
            c ->
                c.blobIndex()
                    + "/"
                    + c.index()
                    + "@"
                    + c.uncompressedOffset()
                    + "+"
                    + c.uncompressedSize()
                    + " "
                    + HexFormat.of().formatHex(c.digest())
                    + " crc "
                    + c.crc32())
        .toList();
  }

  @Test
  void mergedBootstrapFollowsTheNydusLayoutRules() throws Exception {
    byte[] bytes = write(CORPUS, BootstrapOptions.merged(Corpus.CHUNK_SIZE));
    Bootstrap b = BootstrapReader.read(bytes);
    List<BlobInfo> blobs = CORPUS.blobs();

    assertThat(bytes.length % 4096).isZero();
    assertThat(b.rootNid()).isEqualTo(128);
    assertThat(b.superblock().metaBlkaddr()).isEqualTo(2);
    assertThat(Bytes.allZero(Arrays.copyOfRange(bytes, 8192, 12288)))
        .as("block meta_blkaddr is empty")
        .isTrue();
    assertThat(b.superblock().extraDevices()).isEqualTo(2);
    assertThat(b.superblock().blocks())
        .isEqualTo((blobs.get(0).uncompressedSize() + blobs.get(1).uncompressedSize()) / 4096);
    assertThat(b.extSuperblock().flags())
        .isEqualTo(
            ExtSuperblock.FLAG_COMPRESSION_NONE
                | ExtSuperblock.FLAG_HASH_SHA256
                | ExtSuperblock.FLAG_EXPLICIT_UID_GID
                | ExtSuperblock.FLAG_HAS_XATTR
                | ExtSuperblock.FLAG_INLINED_CHUNK_DIGEST
                | ExtSuperblock.FLAG_ENCRYPTION_NONE);
    assertThat(b.extSuperblock().blobTableOffset()).isEqualTo(4096);
    assertThat(b.extSuperblock().prefetchTableOffset()).isEqualTo(4096 + 2 * 256);
    assertThat(b.prefetchNids()).containsExactly(128L);
    assertThat(b.blobs())
        .extracting(BlobInfo::blobId)
        .containsExactly(blobs.get(0).blobId(), blobs.get(1).blobId());
    assertThat(b.blobs()).allSatisfy(x -> assertThat(x.features()).isEqualTo(0x70000021));
    assertThat(b.devices().get(0).tag()).isEqualTo(blobs.get(0).blobId());
    long first = Bytes.roundUp(bytes.length, 512 * 1024) / 4096;
    assertThat(b.devices().get(0).mappedBlkaddr()).isEqualTo(first);
    assertThat(b.devices().get(1).mappedBlkaddr())
        .isEqualTo(Bytes.roundUp((first + b.devices().get(0).blocks()) * 4096, 512 * 1024) / 4096);

    long offset = b.extSuperblock().chunkTableOffset();
    long count = b.extSuperblock().chunkTableSize() / ChunkInfo.SIZE;
    assertThat(offset % 4096).isZero();
    assertThat(count).isEqualTo(blobs.get(0).chunkCount() + blobs.get(1).chunkCount());
    List<ChunkInfo> table = new ArrayList<>();
    ByteBuffer buf = Bytes.wrap(bytes);
    for (int i = 0; i < count; i++) {
      table.add(ChunkInfo.decode(buf, (int) offset + i * ChunkInfo.SIZE));
    }
    assertThat(table.stream().map(ChunkInfo::digest).toList())
        .isSortedAccordingTo(Arrays::compareUnsigned);
    assertThat(table)
        .as("every record carries its CRC-32C, as nydus >= 2.3.2 writes it")
        .allSatisfy(c -> assertThat(c.flags() & ChunkInfo.FLAG_HAS_CRC32).isNotZero());
  }

  @Test
  void bootstrapInsideABlobNamesItsBlobWithThePlaceholder() throws Exception {
    SyntheticImage img = new SyntheticImage(Corpus.CHUNK_SIZE, 1);
    img.add(file("/a").content("data"));
    Bootstrap b = BootstrapReader.read(write(img, BootstrapOptions.inlined(Corpus.CHUNK_SIZE)));

    assertThat(b.blobs())
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.blobId()).isEqualTo("x".repeat(64));
              assertThat(x.features()).isEqualTo(0x70000023);
            });
    assertThat(b.devices().get(0).tag()).isEqualTo("x".repeat(64));
    assertThat(b.extSuperblock().flags() & ExtSuperblock.FLAG_HAS_XATTR).isZero();
  }

  @Test
  void imageWithoutBlobsHasNoPrefetchTableAndMetaBlockZero() throws Exception {
    SyntheticImage img = new SyntheticImage(Corpus.CHUNK_SIZE, 0);
    img.add(dir("/etc")).add(file("/etc/empty"));
    byte[] bytes = write(img, BootstrapOptions.merged(Corpus.CHUNK_SIZE));
    Bootstrap b = BootstrapReader.read(bytes);

    assertThat(b.superblock().metaBlkaddr()).isZero();
    assertThat(b.superblock().blocks()).isZero();
    assertThat(b.superblock().extraDevices()).isZero();
    assertThat(b.rootNid()).isEqualTo(128);
    assertThat(b.superblock().inos()).isEqualTo(3);
    assertThat(b.extSuperblock().blobTableSize()).isZero();
    assertThat(b.extSuperblock().prefetchTableSize()).isZero();
    assertThat(b.extSuperblock().prefetchTableOffset()).isZero();
    assertThat(b.prefetchNids()).isEmpty();
    assertThat(b.entries()).extracting(Entry::path).containsExactly("/", "/etc", "/etc/empty");
  }

  @Test
  void prefetchPatternsBecomeNidsAndMissingPathsAreSkipped() throws Exception {
    Bootstrap b =
        BootstrapReader.read(
            write(
                CORPUS,
                new BootstrapOptions(
                    Corpus.CHUNK_SIZE,
                    List.of("/usr/bin/", "/nope", "/etc/hostname", "/usr/bin"),
                    false)));

    assertThat(b.prefetchNids())
        .containsExactly(b.inode("/usr/bin").nid(), b.inode("/etc/hostname").nid());
  }

  @Test
  void blobFeaturesLoseInlinedMetaInTheMergedBootstrap() throws Exception {
    SyntheticImage img = new SyntheticImage(Corpus.CHUNK_SIZE, 1);
    img.add(file("/a").content("data"));
    BlobInfo inlined = img.blobs().get(0);
    BlobInfo withMeta =
        new BlobInfo(
            inlined.blobId(),
            inlined.chunkSize(),
            inlined.chunkCount(),
            inlined.compressor(),
            inlined.digester(),
            (int) (inlined.features() | BlobTableEntry.FEATURE_INLINED_FS_META),
            inlined.compressedSize(),
            inlined.uncompressedSize(),
            inlined.ciCompressor(),
            inlined.ciOffset(),
            inlined.ciCompressedSize(),
            inlined.ciUncompressedSize());

    Bootstrap b =
        BootstrapReader.read(
            BootstrapWriter.write(
                img.entries(), List.of(withMeta), BootstrapOptions.merged(Corpus.CHUNK_SIZE)));

    assertThat(b.blobs().get(0).features()).isEqualTo(0x70000021);
  }

  @Test
  void contiguousFileGetsOneKernelChunkAndScatteredFileKeepsTheSuperblockChunkSize()
      throws Exception {
    int chunk = BootstrapOptions.DEFAULT_CHUNK_SIZE;
    SyntheticImage img = new SyntheticImage(chunk, 2);
    img.add(file("/contiguous").content(Corpus.data(3 * chunk, 1)))
        .add(file("/small").content("x").blob(1))
        .add(file("/two-blobs-a").content(Corpus.data(chunk, 2)));
    Entry a = img.entries().get(2);
    Entry b = img.entries().get(1);
    // A file whose second chunk lives in another blob: not contiguous.
    Entry scattered =
        new Entry(
            "/scattered",
            FileType.REGULAR,
            0644,
            0,
            0,
            0,
            0,
            chunk + 1L,
            null,
            null,
            0,
            0,
            new TreeMap<>(),
            List.of(a.chunks().get(0), b.chunks().get(0)));
    List<Entry> entries = new ArrayList<>(img.entries());
    entries.add(scattered);
    byte[] bytes = BootstrapWriter.write(entries, img.blobs(), BootstrapOptions.merged(chunk));
    Bootstrap read = BootstrapReader.read(bytes);

    assertThat(chunkFormat(bytes, read, "/contiguous")).as("4 MiB = 2^22").isEqualTo(0x20 | 10);
    assertThat(chunkFormat(bytes, read, "/scattered")).as("1 MiB = 2^20").isEqualTo(0x20 | 8);
    assertThat(chunkFormat(bytes, read, "/small")).isEqualTo(0x20 | 8);
    assertThat(read.entry("/contiguous").chunks()).hasSize(3);
  }

  @Test
  void directoryTooLargeToInlineIsStoredInWholeBlocks() throws Exception {
    byte[] bytes = write(CORPUS, BootstrapOptions.merged(Corpus.CHUNK_SIZE));
    Bootstrap b = BootstrapReader.read(bytes);
    long at = b.superblock().metaBlkaddr() * 4096 + b.inode(Corpus.PLAIN_DIR).nid() * 32;
    ExtendedInode dir = ExtendedInode.decode(Bytes.wrap(bytes), (int) at);

    assertThat(dir.size()).isEqualTo(4050);
    assertThat(ExtendedInode.layoutOf(dir.format())).isEqualTo(ExtendedInode.LAYOUT_FLAT_PLAIN);
    at = b.superblock().metaBlkaddr() * 4096 + b.inode(Corpus.MANY).nid() * 32;
    ExtendedInode many = ExtendedInode.decode(Bytes.wrap(bytes), (int) at);
    assertThat(many.size()).as("several dirent blocks").isGreaterThan(4 * 4096);
    assertThat(ExtendedInode.layoutOf(many.format())).isEqualTo(ExtendedInode.LAYOUT_FLAT_INLINE);
  }

  private static long chunkFormat(byte[] bytes, Bootstrap b, String path) {
    long at = b.superblock().metaBlkaddr() * 4096 + b.inode(path).nid() * 32;
    return ExtendedInode.decode(Bytes.wrap(bytes), (int) at).iu();
  }

  @Test
  void everyFileReadsBackThroughItsChunksWithVerifiedDigests(@TempDir Path tmp) throws Exception {
    Bootstrap b = BootstrapReader.read(write(CORPUS, BootstrapOptions.merged(Corpus.CHUNK_SIZE)));

    int files = 0;
    try (CachedContent content = new CachedContent(CORPUS.writeCaches(tmp), Digester.SHA256)) {
      for (Entry e : b.entries()) {
        if (e.type() == FileType.REGULAR) {
          assertThat(content.read(e)).as(e.path()).isEqualTo(CORPUS.content(e));
          files++;
        }
      }
    }
    assertThat(files).isGreaterThan(Corpus.MANY_COUNT);
  }

  @Test
  void chunkWhoseDataDisagreesWithItsCrcIsRejectedOnVerifiedRead(@TempDir Path tmp)
      throws Exception {
    Bootstrap b = BootstrapReader.read(write(CORPUS, BootstrapOptions.merged(Corpus.CHUNK_SIZE)));
    Entry file =
        b.entries().stream()
            .filter(e -> e.type() == FileType.REGULAR && !e.chunks().isEmpty())
            .findFirst()
            .orElseThrow();
    Chunk c = file.chunks().get(0);
    Chunk wrongCrc =
        new Chunk(
            c.blobIndex(),
            c.index(),
            c.compressedOffset(),
            c.compressedSize(),
            c.uncompressedOffset(),
            c.uncompressedSize(),
            c.fileOffset(),
            c.digest(),
            c.crc32() ^ 1);
    List<Chunk> chunks = new ArrayList<>(file.chunks());
    chunks.set(0, wrongCrc);
    Entry tampered = file.withChunks(chunks);

    try (CachedContent content = new CachedContent(CORPUS.writeCaches(tmp), Digester.SHA256)) {
      assertThat(content.read(file)).isEqualTo(CORPUS.content(file));
      assertThatThrownBy(() -> content.read(tampered))
          .isInstanceOf(FormatException.class)
          .hasMessageContaining("CRC-32C %08x".formatted(wrongCrc.crc32()))
          .hasMessageContaining(file.path());
    }
  }
}
