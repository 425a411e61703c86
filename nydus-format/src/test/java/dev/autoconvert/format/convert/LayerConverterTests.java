package dev.autoconvert.format.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoconvert.format.Compressor;
import dev.autoconvert.format.Digester;
import dev.autoconvert.format.FormatException;
import dev.autoconvert.format.TestTar;
import dev.autoconvert.format.blob.BlobCache;
import dev.autoconvert.format.blob.BlobReader;
import dev.autoconvert.format.blob.BlobWriter;
import dev.autoconvert.format.blob.TocEntry;
import dev.autoconvert.format.read.Bootstrap;
import dev.autoconvert.format.read.BootstrapReader;
import dev.autoconvert.format.tree.Chunk;
import dev.autoconvert.format.tree.Entry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerConverterTests {
  static final int CHUNK = 64 * 1024;

  @TempDir Path tmp;

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static byte[] text(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) ('a' + (i * 7 + i / 13) % 26);
    }
    return b;
  }

  static byte[] chunkCorpus() {
    return new TestTar()
        .file("empty", 0644, new byte[0])
        .file("one-chunk", 0644, text(CHUNK))
        .file("one-chunk-plus-1", 0644, text(CHUNK + 1))
        .file("many-chunks", 0600, random(5 * CHUNK + 12345, 1))
        .file("copy-of-many-chunks", 0600, random(5 * CHUNK + 12345, 1))
        .file("small", "hello\n")
        .hardlink("small-link", "small")
        .build();
  }

  record Converted(ConvertedLayer layer, Path blob) {
    Entry entry(String path) {
      return layer.tree().entries().stream()
          .filter(e -> e.path().equals(path))
          .findFirst()
          .orElseThrow();
    }
  }

  Converted convert(byte[] layer, LayerOptions options, String name) throws IOException {
    Path blob = tmp.resolve(name);
    try (OutputStream out = Files.newOutputStream(blob)) {
      ConvertedLayer c =
          LayerConverter.convert(new ByteArrayInputStream(layer), null, name, out, options);
      return new Converted(c, blob);
    }
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void filesAreCutIntoAlignedDeduplicatedChunksAndRebuildFromTheBlobAlone() throws Exception {
    byte[] tar = chunkCorpus();
    LayerOptions options = new LayerOptions(Compressor.ZSTD, CHUNK, Digester.BLAKE3, List.of("/"));
    Converted c = convert(tar, options, "chunks.blob");

    assertThat(c.entry("/empty").chunks()).isEmpty();
    assertThat(c.entry("/one-chunk").chunks()).hasSize(1);
    assertThat(c.entry("/one-chunk-plus-1").chunks()).hasSize(2);
    assertThat(c.entry("/one-chunk-plus-1").chunks().get(1).uncompressedSize()).isEqualTo(1);
    assertThat(c.entry("/many-chunks").chunks()).hasSize(6);
    assertThat(c.entry("/copy-of-many-chunks").chunks())
        .isEqualTo(c.entry("/many-chunks").chunks());
    assertThat(c.entry("/small-link").hardlinkTo()).isEqualTo("/small");
    assertThat(c.entry("/small-link").chunks()).isEqualTo(c.entry("/small").chunks());
    Chunk randomChunk = c.entry("/many-chunks").chunks().get(0);
    assertThat(randomChunk.compressed()).as("incompressible chunk stored raw").isFalse();
    assertThat(c.entry("/one-chunk").chunks().get(0).compressed()).isTrue();

    byte[] blobBytes = Files.readAllBytes(c.blob());
    assertThat(c.layer().blobDigest()).isEqualTo("sha256:" + sha256(blobBytes));
    assertThat(c.layer().tree().blob().blobId()).isEqualTo(sha256(blobBytes));
    assertThat(c.layer().blobSize()).isEqualTo(blobBytes.length);
    assertThat(c.layer().uncompressedTarSize()).isEqualTo(tar.length);
    // one-chunk 1, one-chunk-plus-1 adds only its 1-byte tail (its first chunk equals one-chunk),
    // many-chunks 6, small 1; the copy and the hardlink add none
    assertThat(c.entry("/one-chunk-plus-1").chunks().get(0))
        .isEqualTo(c.entry("/one-chunk").chunks().get(0));
    assertThat(c.layer().tree().blob().chunkCount()).isEqualTo(9);

    Path cache = tmp.resolve("chunks.blob.data");
    BlobCache.rebuild(c.blob(), cache);
    byte[] data = Files.readAllBytes(cache);
    assertThat((long) data.length).isEqualTo(c.layer().tree().blob().uncompressedSize());
    assertThat(contentFromCache(c.entry("/many-chunks"), data, CHUNK))
        .isEqualTo(random(5 * CHUNK + 12345, 1));
    assertThat(contentFromCache(c.entry("/one-chunk-plus-1"), data, CHUNK))
        .isEqualTo(text(CHUNK + 1));
    for (Entry e : c.layer().tree().entries()) {
      for (Chunk ch : e.chunks()) {
        assertThat(ch.uncompressedOffset() % 4096).isZero();
      }
    }
  }

  static byte[] contentFromCache(Entry e, byte[] cache, int chunkSize) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Chunk ch : e.chunks()) {
      out.write(cache, (int) ch.uncompressedOffset(), ch.uncompressedSize());
    }
    return out.toByteArray();
  }

  @Test
  void blobSegmentsTocAndEmbeddedBootstrapFollowTheFormat() throws Exception {
    Converted c =
        convert(
            chunkCorpus(),
            new LayerOptions(Compressor.ZSTD, CHUNK, Digester.BLAKE3, List.of("/")),
            "toc.blob");
    try (BlobReader blob = BlobReader.open(c.blob())) {
      assertThat(blob.segmentNames())
          .containsExactly("image.blob", "blob.meta", "blob.digest", "image.boot", "rafs.blob.toc");
      assertThat(blob.toc())
          .extracting(TocEntry::name)
          .containsExactly(
              "image.blob", "blob.meta", "blob.meta.header", "blob.digest", "image.boot");
      assertThat(blob.features()).isEqualTo(0x70000023);
      blob.verify(null, null);
      Bootstrap boot = BootstrapReader.read(blob.bootstrap().orElseThrow());
      assertThat(boot.blobs()).hasSize(1);
      assertThat(boot.blobs().get(0).blobId()).isEqualTo(BlobWriter.PLACEHOLDER_ID);
      assertThat(boot.blobs().get(0).compressedSize())
          .isEqualTo(c.layer().tree().blob().compressedSize());
      assertThat(boot.blobs().get(0).chunkCount()).isEqualTo(9);
    }
    byte[] bytes = Files.readAllBytes(c.blob());
    int tail = bytes.length;
    assertThat(new String(bytes, tail - 512, 13, "US-ASCII")).isEqualTo("rafs.blob.toc");
    assertThat(Arrays.copyOfRange(bytes, tail - 512 + 257, tail - 512 + 265))
        .isEqualTo("ustar  \0".getBytes("US-ASCII"));
  }

  @Test
  void everyCompressorAndDigesterRoundTrips() throws Exception {
    byte[] tar = chunkCorpus();
    for (Compressor compressor : Compressor.values()) {
      for (Digester digester : Digester.values()) {
        String name = compressor.cliName() + "-" + digester.cliName() + ".blob";
        Converted c =
            convert(tar, new LayerOptions(compressor, CHUNK, digester, List.of("/")), name);
        try (BlobReader blob = BlobReader.open(c.blob())) {
          assertThat(blob.chunkCompressor()).as(name).isEqualTo(compressor);
          assertThat(blob.digester()).as(name).isEqualTo(digester);
          blob.verify(null, null);
        }
        Path cache = tmp.resolve(name + ".data");
        BlobCache.rebuild(c.blob(), cache);
        assertThat(contentFromCache(c.entry("/one-chunk-plus-1"), Files.readAllBytes(cache), CHUNK))
            .as(name)
            .isEqualTo(text(CHUNK + 1));
        Chunk chunk = c.entry("/one-chunk").chunks().get(0);
        assertThat(chunk.compressed()).as(name).isEqualTo(compressor != Compressor.NONE);
        byte[] expected =
            dev.autoconvert.format.blob.ChunkDigests.digest(digester, text(CHUNK), 0, CHUNK);
        assertThat(chunk.digest()).isEqualTo(expected);
        CRC32C crc = new CRC32C();
        crc.update(text(CHUNK));
        assertThat(chunk.crc32()).as("CRC-32C of the uncompressed chunk").isEqualTo(crc.getValue());
      }
    }
  }

  @Test
  void twoThreadsWriteTheSameBytesAsOne() throws Exception {
    TestTar layer =
        new TestTar()
            .file("a", 0644, text(3 * CHUNK + 5))
            .file("b", 0644, random(2 * CHUNK, 7))
            .file("c", 0644, text(300))
            .file("d", 0644, text(3 * CHUNK + 5));
    // Enough small files, compressible or not, to fill batches by piece count and by bytes.
    for (int i = 0; i < 700; i++) {
      int size = i < 300 ? 1 + i % 200 : 1 + (i * 977) % 9000;
      layer.file("small/" + i, 0644, i % 3 == 0 ? random(size, i) : text(size));
    }
    byte[] tar = layer.build();
    for (Compressor compressor : Compressor.values()) {
      LayerOptions one = new LayerOptions(compressor, CHUNK, Digester.SHA256, List.of("/"));
      Converted a = convert(tar, one, compressor + "-one.blob");
      Converted b = convert(tar, one.withThreads(2), compressor + "-two.blob");
      Converted c = convert(tar, one.withThreads(3), compressor + "-three.blob");
      assertThat(Files.readAllBytes(b.blob()))
          .as(compressor.cliName())
          .isEqualTo(Files.readAllBytes(a.blob()));
      assertThat(Files.readAllBytes(c.blob()))
          .as(compressor.cliName())
          .isEqualTo(Files.readAllBytes(a.blob()));
      assertThat(b.layer()).usingRecursiveComparison().isEqualTo(a.layer());
      try (BlobReader blob = BlobReader.open(b.blob())) {
        blob.verify(null, null);
      }
    }
  }

  @Test
  void smallestAndLargestChunkSizesWork() throws Exception {
    byte[] tar = new TestTar().file("f", 0644, random(17 << 20, 3)).file("g", "x").build();
    for (int size : new int[] {4096, 16 << 20}) {
      Converted c =
          convert(
              tar,
              new LayerOptions(Compressor.LZ4_BLOCK, size, Digester.SHA256, List.of("/")),
              size + ".blob");
      assertThat(c.entry("/f").chunks()).hasSize((int) (((17L << 20) + size - 1) / size));
      try (BlobReader blob = BlobReader.open(c.blob())) {
        blob.verify(null, null);
      }
    }
  }

  @Test
  void layerWithoutFileDataHasOnlyBootstrapAndToc() throws Exception {
    byte[] tar =
        new TestTar().dir("etc/", 0755).symlink("etc/l", "x").file("etc/.wh.gone", "").build();
    Converted c = convert(tar, LayerOptions.defaults(), "meta-only.blob");
    assertThat(c.layer().tree().blob()).isNull();
    assertThat(c.layer().tree().entries())
        .extracting(Entry::path)
        .containsExactly("/etc", "/etc/l", "/etc/.wh.gone");
    try (BlobReader blob = BlobReader.open(c.blob())) {
      assertThat(blob.segmentNames()).containsExactly("image.boot", "rafs.blob.toc");
      assertThat(blob.toc()).extracting(TocEntry::name).containsExactly("image.boot");
      assertThat(BootstrapReader.read(blob.bootstrap().orElseThrow()).blobs()).isEmpty();
    }
  }

  @Test
  void laterDuplicatePathReplacesTheEarlierEntry() throws Exception {
    byte[] tar = new TestTar().file("a", "first").file("b", "x").file("a", "second").build();
    Converted c = convert(tar, LayerOptions.defaults(), "dup.blob");
    assertThat(c.layer().tree().entries()).extracting(Entry::path).containsExactly("/b", "/a");
    assertThat(c.entry("/a").size()).isEqualTo(6);
  }

  @Test
  void truncatedGzipFailsTheSameWayWithReadAheadAndChunkThreads() {
    byte[] tar = new TestTar().file("a", 0644, random(3 << 20, 5)).file("b", "x").build();
    byte[] gz = TestTar.gzip(tar);
    byte[] truncated = Arrays.copyOf(gz, gz.length / 2);
    for (int threads : new int[] {1, 2}) {
      assertThatThrownBy(
              () ->
                  convert(
                      truncated,
                      LayerOptions.defaults().withThreads(threads),
                      "sha256:cut-" + threads))
          .isInstanceOf(FormatException.class)
          .hasMessageContaining("sha256:cut-" + threads + ": corrupt gzip data")
          .hasMessageContaining("'a'");
    }
  }

  @Test
  void badLayerFailsNamingLayerAndEntry() {
    byte[] tar = new TestTar().file("ok", "x").file("../escape", "x").build();
    assertThatThrownBy(() -> convert(TestTar.gzip(tar), LayerOptions.defaults(), "sha256:bad"))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("sha256:bad")
        .hasMessageContaining("../escape");
  }
}
