package dev.autoconvert.format.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoconvert.format.Compressor;
import dev.autoconvert.format.Digester;
import dev.autoconvert.format.TestTar;
import dev.autoconvert.format.blob.BlobMetaFile;
import dev.autoconvert.format.convert.LayerConverter;
import dev.autoconvert.format.convert.LayerOptions;
import dev.autoconvert.format.tree.LayerTree;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

class BootstrapLayerTests {
  private static final LayerOptions OPTIONS =
      new LayerOptions(Compressor.ZSTD, 4096, Digester.SHA256, List.of("/"));

  static LayerTree convert(byte[] tar) throws IOException {
    return LayerConverter.convert(
            new ByteArrayInputStream(tar),
            null,
            "test layer",
            OutputStream.nullOutputStream(),
            OPTIONS)
        .tree();
  }

  /** Entry name → [mode, content] of the layer's tar, in archive order. */
  static Map<String, Object[]> entries(BootstrapLayer layer) throws IOException {
    Map<String, Object[]> entries = new LinkedHashMap<>();
    try (TarArchiveInputStream in =
        new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(layer.gzip())))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        assertThat(e.getLongUserId()).as(e.getName()).isZero();
        assertThat(e.getLongGroupId()).as(e.getName()).isZero();
        assertThat(e.getModTime().getTime()).as(e.getName()).isZero();
        entries.put(e.getName(), new Object[] {e.getMode() & 07777, in.readAllBytes()});
      }
    }
    return entries;
  }

  @Test
  void blobMetaFilesFollowTheBootstrapInLayerOrderReadOnlyAndOncePerBlob() throws IOException {
    LayerTree first = convert(new TestTar().file("a", "first layer\n").build());
    LayerTree withoutData = convert(new TestTar().dir("etc", 0755).symlink("l", "a").build());
    LayerTree second = convert(new TestTar().file("b", 0644, new byte[9000]).build());
    List<LayerTree> layers = List.of(second, withoutData, first, second);
    byte[] bootstrap = new byte[2 * 4096];
    bootstrap[1024] = (byte) 0xe2;

    List<BlobMetaFile> metas = BlobMetaFile.forLayers(layers);
    BootstrapLayer layer = BootstrapLayer.of(bootstrap, metas);

    String secondId = second.blob().blobId();
    String firstId = first.blob().blobId();
    Map<String, Object[]> entries = entries(layer);
    assertThat(entries.keySet())
        .containsExactly(
            "image/",
            "image/image.boot",
            "image/" + secondId + ".blob.meta",
            "image/" + firstId + ".blob.meta");
    assertThat(entries.get("image/")[0]).isEqualTo(0755);
    assertThat(new ArrayList<>(entries.values()).subList(1, 4))
        .allSatisfy(e -> assertThat(e[0]).isEqualTo(0444));
    assertThat((byte[]) entries.get("image/image.boot")[1]).isEqualTo(bootstrap);
    assertThat((byte[]) entries.get("image/" + secondId + ".blob.meta")[1])
        .isEqualTo(BlobMetaFile.of(second).content());
    assertThat((byte[]) entries.get("image/" + firstId + ".blob.meta")[1])
        .isEqualTo(BlobMetaFile.of(first).content());
    assertThat(BootstrapLayer.blobIdOfMetaPath("image/" + firstId + ".blob.meta"))
        .contains(firstId);
    assertThat(BootstrapLayer.blobIdOfMetaPath("image/image.boot")).isEmpty();
  }

  @Test
  void sameLayersGiveTheSameBootstrapLayerDigest() throws IOException {
    byte[] tar = new TestTar().file("a", 0644, new byte[5000]).file("b", "b\n").build();
    byte[] bootstrap = new byte[4096];

    BootstrapLayer once =
        BootstrapLayer.of(bootstrap, BlobMetaFile.forLayers(List.of(convert(tar))));
    BootstrapLayer again =
        BootstrapLayer.of(bootstrap, BlobMetaFile.forLayers(List.of(convert(tar))));

    assertThat(again.digest()).isEqualTo(once.digest());
    assertThat(again.diffId()).isEqualTo(once.diffId());
    assertThat(again.gzip()).isEqualTo(once.gzip());
  }

  @Test
  void twoFilesForOneBlobAreRejected() throws IOException {
    BlobMetaFile meta = BlobMetaFile.of(convert(new TestTar().file("a", "a\n").build()));

    assertThatThrownBy(() -> BootstrapLayer.of(new byte[4096], List.of(meta, meta)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two blob.meta files for blob " + meta.blobId());
  }
}
