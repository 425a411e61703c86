package dev.autoconvert.format.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoconvert.format.Compressor;
import dev.autoconvert.format.Digester;
import dev.autoconvert.format.Fixtures;
import dev.autoconvert.format.FormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpstreamBlobTests {
  static final String SEPARATE = "be7d77eeb719f70884758d1aa800ed0fb09d701aaec469964e9d54325f0d5fef";
  static final String INLINE = "2fa78cad554b75ac91a4a125ed148d0ddeb25efa4aaa8bd80e5dc292690a4dca";

  @TempDir Path tmp;

  @Test
  void separateBootstrapBlobParsesAsItsReadmeDescribes() throws Exception {
    try (BlobReader blob = BlobReader.open(Fixtures.nydusReference().resolve(SEPARATE))) {
      assertThat(blob.segmentNames())
          .containsExactly("image.blob", "blob.meta", "blob.digest", "rafs.blob.toc");
      assertThat(blob.toc())
          .extracting(TocEntry::name)
          .containsExactly("image.blob", "blob.meta", "blob.meta.header", "blob.digest");
      assertThat(blob.chunkCount()).isEqualTo(2);
      assertThat(blob.features()).isEqualTo(0x70000021);
      assertThat(blob.uncompressedSize()).isEqualTo(36864);
      assertThat(blob.uncompressedOffset(1)).isEqualTo(20480);
      assertThat(HexFormat.of().formatHex(blob.chunkDigest(0).orElseThrow()))
          .isEqualTo("f7e2735f1c6ae9cde91e537416b09d8bb71b306a421d19cc1012a51f93a7fe69");
      assertThat(blob.chunkCompressor()).isEqualTo(Compressor.ZSTD);
      blob.verify(Compressor.ZSTD, Digester.BLAKE3);
      assertThat(sha256(blob.readChunk(0, Compressor.ZSTD)))
          .isEqualTo("1810eba864521293bb0d6b55a3c82318d4d89f294ed761c456d9088a17de0c69");
    }
  }

  @Test
  void inlineBootstrapBlobYieldsItsImageBoot() throws Exception {
    Path fixtures = Fixtures.nydusReference();
    try (BlobReader blob = BlobReader.open(fixtures.resolve(INLINE))) {
      assertThat(blob.segmentNames())
          .containsExactly("image.blob", "blob.meta", "image.boot", "rafs.blob.toc");
      assertThat(blob.chunkCount()).isEqualTo(3);
      assertThat(blob.bootstrap().orElseThrow())
          .isEqualTo(Files.readAllBytes(fixtures.resolve("derived/" + INLINE + ".image.boot")));
      assertThat(blob.chunkCompressor()).isEqualTo(Compressor.ZSTD);
      blob.verify(null, null);
    }
  }

  @Test
  void cacheRebuiltFromUpstreamBlobsMatchesTheDerivedFilesByteForByte() throws Exception {
    Path fixtures = Fixtures.nydusReference();
    for (String id : new String[] {SEPARATE, INLINE}) {
      Path cache = tmp.resolve(id + ".blob.data");
      BlobCache.rebuild(fixtures.resolve(id), cache);
      assertThat(Files.readAllBytes(cache))
          .as(id)
          .isEqualTo(Files.readAllBytes(fixtures.resolve("derived/" + id + ".blob.data")));
    }
  }

  @Test
  void corruptedDigestSegmentIsRejectedNamingTheEntry() throws Exception {
    byte[] bytes = Files.readAllBytes(Fixtures.nydusReference().resolve(SEPARATE));
    bytes[12954] ^= 1; // first byte of blob.digest (README: 12954-13017)
    Path bad = tmp.resolve("digest-fail.blob");
    Files.write(bad, bytes);
    assertThatThrownBy(() -> BlobReader.open(bad).close())
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("digest-fail.blob")
        .hasMessageContaining("blob.digest")
        .hasMessageContaining("sha256 expected");
  }

  @Test
  void truncatedBlobIsRejected() throws Exception {
    byte[] bytes = Files.readAllBytes(Fixtures.nydusReference().resolve(SEPARATE));
    Path bad = tmp.resolve("truncated-fail.blob");
    Files.write(bad, java.util.Arrays.copyOf(bytes, bytes.length - 100));
    assertThatThrownBy(() -> BlobReader.open(bad).close())
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("truncated-fail.blob");
  }

  static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }
}
