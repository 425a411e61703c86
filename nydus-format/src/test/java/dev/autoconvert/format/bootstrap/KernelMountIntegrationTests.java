package dev.autoconvert.format.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.format.Fixtures;
import dev.autoconvert.format.read.Bootstrap;
import dev.autoconvert.format.read.BootstrapReader;
import dev.autoconvert.format.testing.Corpus;
import dev.autoconvert.format.testing.KernelMount;
import dev.autoconvert.format.testing.SyntheticImage;
import dev.autoconvert.format.testing.TreeFacts;
import dev.autoconvert.format.tree.BlobInfo;
import dev.autoconvert.format.tree.Chunk;
import dev.autoconvert.format.tree.Entry;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Linux EROFS driver mounts what we write and shows exactly the written tree. */
class KernelMountIntegrationTests {

  @TempDir Path tmp;

  @BeforeAll
  static void needMount() {
    KernelMount.assumeAvailable();
  }

  @Test
  void kernelShowsEveryEntryTypeWithXattrsAndHardlinks() throws Exception {
    SyntheticImage img = Corpus.everyEntryType();
    Path boot = tmp.resolve("corpus.boot");
    Files.write(
        boot,
        BootstrapWriter.write(
            img.entries(), img.blobs(), BootstrapOptions.merged(img.chunkSize())));
    List<Path> caches = img.writeCaches(tmp);
    Path mnt = Files.createDirectory(tmp.resolve("mnt"));

    try (KernelMount m = KernelMount.mount(boot, caches, mnt)) {
      assertThat(
              TreeFacts.differences(
                  TreeFacts.expected(img.entries(), img::content, true),
                  TreeFacts.actual(m.root(), true)))
          .isEmpty();
      Object ino =
          Files.getAttribute(mnt.resolve("usr/bin/ping"), "unix:ino", LinkOption.NOFOLLOW_LINKS);
      assertThat(
              Files.getAttribute(
                  mnt.resolve("etc/ping-elsewhere"), "unix:ino", LinkOption.NOFOLLOW_LINKS))
          .isEqualTo(ino);
      assertThat(Files.getAttribute(mnt, "unix:ino")).as("root nid").isEqualTo(128L);
    }
  }

  /**
   * 1 MiB chunks (nydus's default) and ci indexes above 65535, whose bits 16-23 nydus stores in the
   * high byte of the EROFS device id: the kernel masks that byte (NYDUS-FORMAT.md §6.4).
   */
  @Test
  void kernelReadsDefaultSizeChunksWithCiIndexesAbove65535() throws Exception {
    SyntheticImage img = new SyntheticImage(BootstrapOptions.DEFAULT_CHUNK_SIZE, 1);
    byte[] data = Corpus.data(3 * BootstrapOptions.DEFAULT_CHUNK_SIZE + 5, 77);
    img.add(SyntheticImage.file("/big").content(data))
        .add(SyntheticImage.file("/one").content("1"));
    BlobInfo blob = img.blobs().get(0);
    BlobInfo manyChunks =
        new BlobInfo(
            blob.blobId(),
            blob.chunkSize(),
            0x20000,
            blob.compressor(),
            blob.digester(),
            blob.features(),
            blob.compressedSize(),
            blob.uncompressedSize(),
            blob.ciCompressor(),
            blob.ciOffset(),
            blob.ciCompressedSize(),
            16L * 0x20000);
    List<Entry> entries =
        img.entries().stream()
            .map(
                e ->
                    e.withChunks(
                        e.chunks().stream()
                            .map(
                                c ->
                                    new Chunk(
                                        c.blobIndex(),
                                        0x10001 + c.index(),
                                        c.compressedOffset(),
                                        c.compressedSize(),
                                        c.uncompressedOffset(),
                                        c.uncompressedSize(),
                                        c.fileOffset(),
                                        c.digest(),
                                        c.crc32()))
                            .toList()))
            .toList();
    byte[] bytes =
        BootstrapWriter.write(
            entries,
            List.of(manyChunks),
            BootstrapOptions.merged(BootstrapOptions.DEFAULT_CHUNK_SIZE));
    assertThat(BootstrapReader.read(bytes).entry("/big").chunks())
        .extracting(Chunk::index)
        .containsExactly(0x10001, 0x10002, 0x10003, 0x10004);
    Path boot = tmp.resolve("big.boot");
    Files.write(boot, bytes);
    Path mnt = Files.createDirectory(tmp.resolve("mnt"));

    try (KernelMount m = KernelMount.mount(boot, img.writeCaches(tmp), mnt)) {
      assertThat(Files.readAllBytes(mnt.resolve("big"))).isEqualTo(data);
      assertThat(mnt.resolve("one")).hasContent("1");
    }
  }

  @Test
  void kernelMountsAnImageWithoutBlobsWithoutDevices() throws Exception {
    SyntheticImage img = new SyntheticImage(Corpus.CHUNK_SIZE, 0);
    img.add(SyntheticImage.dir("/etc").mode(0700))
        .add(SyntheticImage.file("/etc/empty").owner(5, 6))
        .add(SyntheticImage.symlink("/link", "etc/empty"));
    Path boot = tmp.resolve("empty.boot");
    Files.write(
        boot,
        BootstrapWriter.write(img.entries(), List.of(), BootstrapOptions.merged(img.chunkSize())));
    Path mnt = Files.createDirectory(tmp.resolve("mnt"));

    try (KernelMount m = KernelMount.mount(boot, List.of(), mnt)) {
      assertThat(
              TreeFacts.differences(
                  TreeFacts.expected(img.entries(), img::content, true),
                  TreeFacts.actual(m.root(), true)))
          .isEmpty();
    }
  }

  /** The kernel shows the upstream Debian bootstrap and our rewrite of it identically. */
  @Test
  void kernelShowsUpstreamDebianTreeAndOurRewriteAlike() throws Exception {
    Bootstrap theirs = UpstreamTreeRewriteTests.upstream();
    Path ours = tmp.resolve("rewritten.boot");
    Files.write(ours, UpstreamTreeRewriteTests.rewrite(theirs));
    Path device = UpstreamTreeRewriteTests.zeroDevice(theirs, tmp);
    Path upstreamMnt = Files.createDirectory(tmp.resolve("upstream"));
    Path oursMnt = Files.createDirectory(tmp.resolve("ours"));

    try (KernelMount a =
            KernelMount.mount(
                Fixtures.file(UpstreamTreeRewriteTests.DEBIAN), List.of(device), upstreamMnt);
        KernelMount b = KernelMount.mount(ours, List.of(device), oursMnt)) {
      Map<String, TreeFacts.Facts> upstream = TreeFacts.actual(a.root(), true);
      assertThat(upstream).hasSize(3517);
      assertThat(TreeFacts.differences(upstream, TreeFacts.actual(b.root(), true))).isEmpty();
    }
  }

  /**
   * NYDUS-FORMAT.md §6.3: bootstrap, then each blob's data at its device slot's mapped_blkaddr, in
   * one file; the kernel mounts it without device options (nydusd's block-device export).
   */
  @Test
  void kernelMountsTheFlatImageLaidOutByMappedBlockAddresses() throws Exception {
    SyntheticImage img = Corpus.everyEntryType();
    byte[] bytes =
        BootstrapWriter.write(img.entries(), img.blobs(), BootstrapOptions.merged(img.chunkSize()));
    Bootstrap b = BootstrapReader.read(bytes);
    List<Path> caches = img.writeCaches(tmp);
    Path flat = tmp.resolve("flat.img");
    try (FileChannel out =
        FileChannel.open(flat, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      out.write(ByteBuffer.wrap(bytes), 0);
      for (int i = 0; i < caches.size(); i++) {
        out.write(
            ByteBuffer.wrap(Files.readAllBytes(caches.get(i))),
            b.devices().get(i).mappedBlkaddr() * 4096);
      }
    }
    Path mnt = Files.createDirectory(tmp.resolve("mnt"));

    try (KernelMount m = KernelMount.mount(flat, List.of(), mnt)) {
      assertThat(
              TreeFacts.differences(
                  TreeFacts.expected(img.entries(), img::content, true),
                  TreeFacts.actual(m.root(), true)))
          .isEmpty();
    }
  }
}
