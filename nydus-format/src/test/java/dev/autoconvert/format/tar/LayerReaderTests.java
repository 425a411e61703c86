package dev.autoconvert.format.tar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoconvert.format.Fixtures;
import dev.autoconvert.format.FormatException;
import dev.autoconvert.format.TestTar;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;

class LayerReaderTests {
  static final byte[] CAPABILITY = {
    1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, (byte) 0xff, 0, 0, 0, 0, 0, 0, 0
  };

  record Read(List<TarItem> items, List<byte[]> data, long size) {
    TarItem at(String path) {
      return items.stream().filter(i -> i.path().equals(path)).findFirst().orElseThrow();
    }
  }

  static Read readAll(byte[] layer, String mediaType) throws IOException {
    return readAll(layer, mediaType, LayerLimits.DEFAULT);
  }

  static Read readAll(byte[] layer, String mediaType, LayerLimits limits) throws IOException {
    List<TarItem> items = new ArrayList<>();
    List<byte[]> data = new ArrayList<>();
    try (LayerReader r =
        LayerReader.open(new ByteArrayInputStream(layer), mediaType, "sha256:test", limits)) {
      for (TarItem i = r.next(); i != null; i = r.next()) {
        items.add(i);
        data.add(i.data().readAllBytes());
      }
      return new Read(items, data, r.uncompressedSize());
    }
  }

  static byte[] everyEntryType() {
    String longDir = "d".repeat(120);
    return new TestTar()
        .dir("./", 0755)
        .dir("./etc/", 0755)
        .owned("./etc/motd", 04755, 1000, 100000, "hello\n".getBytes(StandardCharsets.UTF_8))
        .hardlink("./etc/motd-link", "./etc/motd")
        .hardlink("etc/motd-link2", "etc/motd-link")
        .symlink("etc/rel", "motd")
        .symlink("etc/dangling", "../nowhere")
        .device("dev/null", false, 1, 3)
        .device("dev/sda", true, 8, 0x1234)
        .fifo("run/fifo")
        .pax(
            TestTar.xattrs(
                "user.probe",
                "hello",
                "trusted.overlay.opaque",
                "y",
                "security.capability",
                CAPABILITY))
        .file("etc/with-xattr", "x\n")
        .file(longDir + "/file-with-a-long-path.txt", "long\n")
        .file("home/Grüße-日本.txt", "unicode\n")
        .file("empty", "")
        .build();
  }

  @Test
  void everyEntryTypeOfRealImagesIsRead() throws Exception {
    byte[] tar = everyEntryType();
    Read r = readAll(tar, "application/vnd.oci.image.layer.v1.tar");
    assertThat(r.items()).extracting(TarItem::path).contains("/", "/etc/motd", "/run/fifo");
    TarItem motd = r.at("/etc/motd");
    assertThat(motd.kind()).isEqualTo(TarItem.Kind.REGULAR);
    assertThat(motd.mode()).isEqualTo(04755);
    assertThat(motd.uid()).isEqualTo(1000);
    assertThat(motd.gid()).isEqualTo(100000);
    assertThat(motd.mtime()).isEqualTo(1_700_000_000L);
    assertThat(r.at("/etc/motd-link").kind()).isEqualTo(TarItem.Kind.HARDLINK);
    assertThat(r.at("/etc/motd-link").linkTarget()).isEqualTo("/etc/motd");
    assertThat(r.at("/etc/motd-link2").linkTarget()).isEqualTo("/etc/motd");
    assertThat(r.at("/etc/rel").linkTarget()).isEqualTo("motd");
    assertThat(r.at("/etc/dangling").linkTarget()).isEqualTo("../nowhere");
    assertThat(r.at("/dev/null").kind()).isEqualTo(TarItem.Kind.CHAR_DEVICE);
    assertThat(r.at("/dev/sda").devMinor()).isEqualTo(0x1234);
    assertThat(r.at("/dev/sda").kind()).isEqualTo(TarItem.Kind.BLOCK_DEVICE);
    assertThat(r.at("/run/fifo").kind()).isEqualTo(TarItem.Kind.FIFO);
    TarItem x = r.at("/etc/with-xattr");
    assertThat(x.xattrs())
        .containsOnlyKeys("user.probe", "trusted.overlay.opaque", "security.capability");
    assertThat(x.xattrs().get("security.capability")).isEqualTo(CAPABILITY);
    assertThat(r.items())
        .extracting(TarItem::path)
        .contains("/" + "d".repeat(120) + "/file-with-a-long-path.txt", "/home/Grüße-日本.txt");
    assertThat(r.at("/empty").size()).isZero();
    assertThat(r.size()).isEqualTo(tar.length);
  }

  @Test
  void gnuLongNamesAndGlobalPaxHeadersAreHandled() throws Exception {
    String longName = "l".repeat(150) + "/" + "n".repeat(200);
    String longTarget = "/t".repeat(80);
    byte[] tar =
        TestTar.gnu()
            .globalPax(Map.of("comment", "ignored".getBytes(StandardCharsets.UTF_8)))
            .file(longName, "data")
            .symlink("s", longTarget)
            .build();
    Read r = readAll(tar, null);
    assertThat(r.items()).extracting(TarItem::path).containsExactly("/" + longName, "/s");
    assertThat(r.items().get(1).linkTarget()).isEqualTo(longTarget);
    assertThat(new String(r.data().get(0), StandardCharsets.UTF_8)).isEqualTo("data");
  }

  @Test
  void gzipAndZstdLayersAreDetectedByMagicAndCountTheUncompressedTar() throws Exception {
    byte[] tar = everyEntryType();
    Read plain = readAll(tar, null);
    for (byte[] layer : List.of(TestTar.gzip(tar), TestTar.zstd(tar))) {
      Read r = readAll(layer, null);
      assertThat(r.items())
          .extracting(TarItem::path)
          .isEqualTo(plain.items().stream().map(TarItem::path).toList());
      assertThat(r.size()).isEqualTo(tar.length);
    }
    assertThat(readAll(TestTar.gzip(tar), "application/vnd.oci.image.layer.v1.tar+gzip").size())
        .isEqualTo(tar.length);
  }

  @Test
  void layerEndingWithoutPaddingAndEndBlocksIsAcceptedLikeGoTools() throws Exception {
    byte[] full = new TestTar().file("a", "first").file("b", "second file").build();
    // header a (512) + data block (512) + header b (512) + 11 data bytes, no padding, no end blocks
    byte[] umoci = Arrays.copyOf(full, 512 * 3 + 11);
    Read r = readAll(umoci, null);
    assertThat(r.items()).extracting(TarItem::path).containsExactly("/a", "/b");
    assertThat(new String(r.data().get(1), StandardCharsets.UTF_8)).isEqualTo("second file");
    assertThat(r.size()).isEqualTo(umoci.length);
    Read noEndBlocks = readAll(Arrays.copyOf(full, 512 * 4), null);
    assertThat(noEndBlocks.items()).hasSize(2);
  }

  @Test
  void layerCutInsideFileDataIsRejectedNamingTheEntry() {
    byte[] full = new TestTar().file("a", "first").file("b", "second file").build();
    byte[] cut = Arrays.copyOf(full, 512 * 3 + 5);
    assertThatThrownBy(() -> readAll(cut, null))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("sha256:test")
        .hasMessageContaining("'b'")
        .hasMessageContaining("6 bytes missing");
  }

  @Test
  void corruptHeaderChecksumIsRejectedNamingLayerAndEntry() {
    byte[] tar = new TestTar().file("a", "first").file("victim", "x").build();
    tar[1024 + 100] ^= 0x01; // mode field of the second header
    assertThatThrownBy(() -> readAll(tar, null))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("sha256:test")
        .hasMessageContaining("bad tar header checksum at offset 1024")
        .hasMessageContaining("victim");
  }

  @Test
  void pathsEscapingTheRootAreRejected() {
    for (String evil : List.of("../etc/passwd", "a/../../etc/passwd", "./../x")) {
      byte[] tar = new TestTar().file(evil, "x").build();
      assertThatThrownBy(() -> readAll(tar, null))
          .isInstanceOf(FormatException.class)
          .hasMessageContaining("sha256:test")
          .hasMessageContaining(evil)
          .hasMessageContaining("escapes the layer root");
    }
    byte[] linkOut = new TestTar().file("a", "x").hardlink("b", "../a").build();
    assertThatThrownBy(() -> readAll(linkOut, null)).hasMessageContaining("escapes the layer root");
  }

  @Test
  void hardlinksToMissingOrNonRegularFilesAreRejected() {
    byte[] missing = new TestTar().hardlink("link", "nothing-here").build();
    assertThatThrownBy(() -> readAll(missing, null))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("entry 'link'")
        .hasMessageContaining("not an earlier entry");
    byte[] toDir = new TestTar().dir("d/", 0755).hardlink("link", "d").build();
    assertThatThrownBy(() -> readAll(toDir, null))
        .hasMessageContaining("entry 'link'")
        .hasMessageContaining("directory, not a regular file");
  }

  @Test
  void hugePaxHeaderFailsBeforeItIsReadWithFlatMemory() throws Exception {
    // A 16 GiB PAX header that is never materialised: only its tar header is real.
    TarArchiveEntry pax =
        new TarArchiveEntry("PaxHeaders/evil", TarConstants.LF_PAX_EXTENDED_HEADER_LC);
    pax.setSize(16L << 30);
    byte[] header = new byte[512];
    pax.writeEntryHeader(
        header,
        org.apache.commons.compress.archivers.zip.ZipEncodingHelper.getZipEncoding(
            StandardCharsets.UTF_8),
        true);
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            return '1';
          }

          @Override
          public int read(byte[] b, int off, int len) {
            Arrays.fill(b, off, off + len, (byte) '1');
            return len;
          }
        };
    long t0 = System.nanoTime();
    assertThatThrownBy(
            () -> {
              try (LayerReader r =
                  LayerReader.open(
                      new SequenceInputStream(new ByteArrayInputStream(header), endless),
                      null,
                      "sha256:evil",
                      LayerLimits.DEFAULT)) {
                r.next();
              }
            })
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("sha256:evil")
        .hasMessageContaining("PaxHeaders/evil")
        .hasMessageContaining("exceeds the limit of 1048576 bytes");
    assertThat(System.nanoTime() - t0).isLessThan(2_000_000_000L);

    // A GNU long name that claims 1 GiB.
    TarArchiveEntry longName =
        new TarArchiveEntry("././@LongLink", TarConstants.LF_GNUTYPE_LONGNAME);
    longName.setSize(1L << 30);
    byte[] longHeader = new byte[512];
    longName.writeEntryHeader(
        longHeader,
        org.apache.commons.compress.archivers.zip.ZipEncodingHelper.getZipEncoding(
            StandardCharsets.UTF_8),
        true);
    assertThatThrownBy(
            () -> {
              try (LayerReader r =
                  LayerReader.open(
                      new SequenceInputStream(new ByteArrayInputStream(longHeader), endless),
                      null,
                      "sha256:evil",
                      LayerLimits.DEFAULT)) {
                r.next();
              }
            })
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("GNU long name of 1073741824 bytes exceeds the limit");

    // A real 2 MiB PAX header, over the limit too.
    byte[] big = new TestTar().pax(Map.of("comment", new byte[2 << 20])).file("f", "x").build();
    assertThatThrownBy(() -> readAll(big, null)).hasMessageContaining("exceeds the limit");
  }

  @Test
  void decompressedSizeAndEntryCountAreBounded() {
    byte[] tar = new TestTar().file("big", 0644, new byte[3 << 20]).file("b", "x").build();
    LayerLimits small = new LayerLimits(1 << 20, 4096, 1024, 1_000_000, 1 << 20);
    assertThatThrownBy(() -> readAll(TestTar.gzip(tar), null, small))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("larger than 1048576 bytes")
        .hasMessageContaining("big");
    LayerLimits few = new LayerLimits(1 << 20, 4096, 1024, 1, 1L << 30);
    assertThatThrownBy(() -> readAll(tar, null, few))
        .hasMessageContaining("more than 1 tar entries");
    LayerLimits shallow = new LayerLimits(1 << 20, 4096, 2, 100, 1L << 30);
    byte[] deep = new TestTar().file("a/b/c/d", "x").build();
    assertThatThrownBy(() -> readAll(deep, null, shallow))
        .hasMessageContaining("deeper than 2 levels");
  }

  @Test
  void truncatedOrCorruptCompressedLayersFailNamingTheLayer() {
    byte[] tar = new TestTar().file("a", 0644, new byte[200_000]).file("second", "x").build();
    byte[] gz = TestTar.gzip(tar);
    byte[] truncated = Arrays.copyOf(gz, gz.length / 2);
    assertThatThrownBy(() -> readAll(truncated, null))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("sha256:test: corrupt gzip data");
    byte[] corrupt = gz.clone();
    for (int i = 20; i < 60; i++) {
      corrupt[i] ^= 0x5a;
    }
    assertThatThrownBy(() -> readAll(corrupt, null)).hasMessageContaining("corrupt gzip");
    byte[] zst = TestTar.zstd(tar);
    byte[] zstCut = Arrays.copyOf(zst, zst.length - 10);
    assertThatThrownBy(() -> readAll(zstCut, null))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("zstd");
    assertThatThrownBy(() -> readAll(tar, "application/vnd.oci.image.layer.v1.tar+gzip"))
        .hasMessageContaining("declares gzip");
  }

  @Test
  void upstreamSourceTarsAreRead() throws Exception {
    Read r =
        readAll(
            Files.readAllBytes(Fixtures.nydusReference().resolve("source-tars/all-entry-type.tar")),
            null);
    assertThat(r.items())
        .extracting(TarItem::kind)
        .contains(
            TarItem.Kind.DIRECTORY,
            TarItem.Kind.REGULAR,
            TarItem.Kind.HARDLINK,
            TarItem.Kind.SYMLINK);
    assertThat(r.items().stream().filter(i -> i.kind() == TarItem.Kind.HARDLINK)).hasSize(3);
    Read mac =
        readAll(
            Files.readAllBytes(
                Fixtures.nydusReference().resolve("source-tars/all-entry-type-macos.tar")),
            null);
    assertThat(mac.items()).anyMatch(i -> i.path().length() > 100);
    assertThat(mac.items()).allMatch(i -> i.xattrs().isEmpty()); // LIBARCHIVE.xattr.* ignored
  }
}
