package dev.autoconvert.format.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoconvert.format.Compressor;
import dev.autoconvert.format.Digester;
import dev.autoconvert.format.Fixtures;
import dev.autoconvert.format.FormatException;
import dev.autoconvert.format.TestTar;
import dev.autoconvert.format.convert.ConvertedLayer;
import dev.autoconvert.format.convert.LayerConverter;
import dev.autoconvert.format.convert.LayerOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BlobMetaFileTests {
  static final String ZRAN_FIXTURE =
      "233c72f2b6b698c07021c4da367cfe2dff4f049efbaa885ca0ff760ea297865a";

  @TempDir Path tmp;

  /** 301 distinct text chunks (a CI array zstd shrinks) and 3 random ones. */
  static byte[] layer() {
    byte[] text = new byte[300 * 4096 + 100];
    for (int i = 0; i < text.length; i++) {
      text[i] = (byte) ('a' + (i * 7) % 26);
    }
    for (int chunk = 0; chunk * 4096 < text.length; chunk++) {
      byte[] label = ("chunk " + chunk).getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(label, 0, text, chunk * 4096, label.length);
    }
    byte[] random = new byte[3 * 4096];
    new Random(7).nextBytes(random);
    return new TestTar()
        .file("text", 0644, text)
        .file("random", 0644, random)
        .file("empty", 0644, new byte[0])
        .hardlink("text-link", "text")
        .build();
  }

  ConvertedLayer convert(Compressor compressor, Path blob) throws IOException {
    try (OutputStream out = Files.newOutputStream(blob)) {
      return LayerConverter.convert(
          new ByteArrayInputStream(layer()),
          null,
          blob.getFileName().toString(),
          out,
          new LayerOptions(compressor, 4096, Digester.SHA256, List.of("/")));
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Compressor.class,
      names = {"ZSTD", "NONE"})
  void cacheFormFromTheLayerTreeEqualsTheOneDerivedFromTheBlobAlone(Compressor compressor)
      throws IOException {
    Path blobFile = tmp.resolve("blob-" + compressor);
    ConvertedLayer layer = convert(compressor, blobFile);
    String blobId = layer.tree().blob().blobId();

    BlobMetaFile fromTree = BlobMetaFile.of(layer.tree());
    BlobMetaFile fromBlob;
    long ciOffset;
    try (BlobReader blob = BlobReader.open(blobFile)) {
      fromBlob = BlobMetaFile.fromBlob(blobId, blob).orElseThrow();
      ciOffset =
          blob.toc().stream()
              .filter(e -> e.name().equals("blob.meta"))
              .findFirst()
              .orElseThrow()
              .compressedOffset();
    }

    assertThat(fromTree.content()).isEqualTo(fromBlob.content());
    assertThat(fromTree).isEqualTo(fromBlob);
    assertThat(fromTree.firstDifference(fromBlob)).isNull();
    int n = layer.tree().blob().chunkCount();
    assertThat(n).isEqualTo(304);
    assertThat(fromTree.fileName()).isEqualTo(blobId + ".blob.meta");
    assertThat(fromTree.size()).isEqualTo(((16 * n + 4095) / 4096) * 4096 + 4096);
    assertThat(fromTree.entries()).isEqualTo(n);
    assertThat(fromTree.ciUncompressedSize()).isEqualTo(16L * n);
    // the header keeps describing the stored form: nydusd compares it with the blob table
    assertThat(fromTree.ciOffset()).isEqualTo(ciOffset);
    assertThat(fromTree.ciCompressor()).isEqualTo(compressor.code());
    assertThat(fromTree.ciCompressedSize())
        .isEqualTo(layer.tree().blob().ciCompressedSize())
        .matches(size -> compressor == Compressor.NONE ? size == 16L * n : size < 16L * n);
    assertThat(fromTree.features()).isEqualTo(BlobFeatures.PER_LAYER);
    assertThat(BlobMetaFile.parse(blobId, fromTree.content())).isEqualTo(fromTree);
  }

  @Test
  void upstreamZranCacheFileHeaderReadsAsItsReadmeDescribes() throws IOException {
    byte[] content =
        Files.readAllBytes(Fixtures.nydusReference().resolve(ZRAN_FIXTURE + ".blob.meta"));

    BlobMetaFile file = BlobMetaFile.parse(ZRAN_FIXTURE, content);

    assertThat(file.size()).isEqualTo(667648);
    // ALIGNED | INLINED_FS_META | CHUNK_INFO_V2 | ZRAN
    assertThat(file.features()).isEqualTo(0xf);
    assertThat(file.entries()).isEqualTo(163);
    assertThat(file.ciCompressor()).isZero();
    assertThat(file.ciOffset()).isZero();
    assertThat(file.ciCompressedSize()).isEqualTo(660112);
    assertThat(file.ciUncompressedSize()).isEqualTo(660112);
    // 163 CI v2 entries of 24 bytes, then 21 ZRAN contexts and their dictionaries
    assertThat(file.zranOffset()).isEqualTo(163 * 24);
    assertThat(file.zranCount()).isEqualTo(21);
    assertThat(file.zranOffset() + file.zranSize()).isEqualTo(file.ciUncompressedSize());
  }

  @Test
  void cacheFormOfAnUpstreamBlobKeepsItsStoredHeader() throws IOException {
    String id = UpstreamBlobTests.SEPARATE;
    try (BlobReader blob = BlobReader.open(Fixtures.nydusReference().resolve(id))) {
      BlobMetaFile file = BlobMetaFile.fromBlob(id, blob).orElseThrow();

      // NYDUS-FORMAT.md §3.10: 2 raw CI v1 entries at 8314, then the header
      assertThat(file.size()).isEqualTo(4096 + 4096);
      assertThat(file.features()).isEqualTo(0x70000021);
      assertThat(file.ciCompressor()).isZero();
      assertThat(file.entries()).isEqualTo(2);
      assertThat(file.ciOffset()).isEqualTo(8314);
      assertThat(file.ciCompressedSize()).isEqualTo(32);
      assertThat(BlobMetaFile.parse(id, file.content())).isEqualTo(file);
    }
  }

  @Test
  void cacheFileWhoseSizeDisagreesWithItsHeaderIsRejected() throws IOException {
    byte[] content =
        Files.readAllBytes(Fixtures.nydusReference().resolve(ZRAN_FIXTURE + ".blob.meta"));
    byte[] truncated = Arrays.copyOfRange(content, 4096, content.length);

    assertThatThrownBy(() -> BlobMetaFile.parse(ZRAN_FIXTURE, truncated))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("ci_uncompressed_size 660112 needs 667648 bytes, file has 663552");
    byte[] badMagic = content.clone();
    badMagic[content.length - 1] = 0;
    assertThatThrownBy(() -> BlobMetaFile.parse(ZRAN_FIXTURE, badMagic))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("magic");
  }

  @Test
  void firstDifferenceNamesTheHeaderFieldOrTheChunkEntry() throws IOException {
    BlobMetaFile expected = BlobMetaFile.of(convert(Compressor.ZSTD, tmp.resolve("b")).tree());
    byte[] entry = expected.content();
    entry[16 * 5 + 9] ^= 1;
    byte[] header = expected.content();
    header[header.length - 4096 + 16] ^= 1;

    assertThat(expected.firstDifference(BlobMetaFile.parse(expected.blobId(), entry)))
        .isEqualTo("chunk info entry 5 differs (byte 89)");
    assertThat(expected.firstDifference(BlobMetaFile.parse(expected.blobId(), header)))
        .startsWith("CI header field ci_offset (header byte 16) differs: expected features")
        .contains("ci_offset " + expected.ciOffset() + ",")
        .contains("ci_offset " + (expected.ciOffset() ^ 1) + ",");
  }
}
