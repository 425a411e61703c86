package dev.autoconvert.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.cli.store.OciLayoutStore;
import dev.autoconvert.cli.store.StoredManifest;
import dev.autoconvert.format.FormatException;
import dev.autoconvert.format.blob.BlobMetaFile;
import dev.autoconvert.format.image.BootstrapLayer;
import dev.autoconvert.format.layout.ChunkInfo;
import dev.autoconvert.format.read.BootstrapReader;
import dev.autoconvert.testsupport.registry.Executables;
import dev.autoconvert.testsupport.registry.OciLayout;
import dev.autoconvert.testsupport.registry.TarBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The command line on OCI image layouts, checked by fsck.erofs against the source layers. */
class ConverterCliTests {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path dir;
  private Path source;

  @BeforeEach
  void sourceImage() throws IOException {
    source = dir.resolve("source");
    OciLayout layout = OciLayout.create(source);
    byte[] big = new byte[3 * 1024 * 1024 + 17];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31 + i / 4096);
    }
    layout.image(
        "v1",
        "amd64",
        List.of(
            new TarBuilder()
                .directory("etc")
                .file("etc/motd", "base motd\n")
                .file("etc/remove-me", "secret\n")
                .directory("opt/app")
                .file("opt/app/old", "old\n")
                .file("bin/tool", "#!/bin/sh\necho tool\n".getBytes(StandardCharsets.UTF_8), 04755)
                .hardlink("bin/tool-link", "bin/tool")
                .symlink("etc/motd-link", "motd")
                .file("data/big.bin", big, 0644)
                .build(),
            new TarBuilder()
                .file("etc/motd", "layer two\n")
                .whiteout("etc/remove-me")
                .opaque("opt/app")
                .file("opt/app/new", "new\n")
                .build(),
            new TarBuilder().file("etc/remove-me", "resurrected\n").build()));
  }

  @Test
  void convertedLayoutPassesCheckAgainstItsSource() {
    Executables.assumeOnPath("fsck.erofs");
    Result convert =
        run(
            "convert",
            "--source",
            "oci:" + source + ":v1",
            "--target",
            "oci:" + dir.resolve("nydus") + ":v1-nydus");
    assertThat(convert.code).as(convert.text()).isZero();
    assertThat(convert.out).contains("layer 3/3 converted").contains("@sha256:");

    Result check =
        run(
            "check",
            "--source",
            "oci:" + source + ":v1",
            "--target",
            "oci:" + dir.resolve("nydus") + ":v1-nydus");
    assertThat(check.code).as(check.text()).isZero();
    assertThat(check.out)
        .contains("structure ok: 3 Nydus blobs")
        .contains("blob.meta ok: 3 file(s)")
        .contains("filesystem ok");

    Result inspect =
        run(
            "inspect",
            "--image",
            "oci:" + dir.resolve("nydus") + ":v1-nydus",
            "--tree",
            "--path",
            "/data/big.bin");
    assertThat(inspect.code).as(inspect.text()).isZero();
    assertThat(inspect.out)
        .contains("/etc/remove-me")
        .contains("/data/big.bin: ")
        .contains("4 chunk(s)");
  }

  @Test
  void checkAgainstAnotherSourceFailsWithExitCodeOne() throws IOException {
    Executables.assumeOnPath("fsck.erofs");
    OciLayout other = OciLayout.create(dir.resolve("other"));
    other.image("v1", "amd64", List.of(new TarBuilder().file("etc/motd", "different\n").build()));
    assertThat(
            run(
                    "convert",
                    "--source",
                    "oci:" + source + ":v1",
                    "--target",
                    "oci:" + dir.resolve("nydus") + ":t")
                .code)
        .isZero();
    Result check =
        run(
            "check",
            "--source",
            "oci:" + dir.resolve("other") + ":v1",
            "--target",
            "oci:" + dir.resolve("nydus") + ":t");
    assertThat(check.code).as(check.text()).isEqualTo(ConverterCli.CHECK_FAILED);
    assertThat(check.out).contains("check FAILED");
  }

  @Test
  void tamperedBlobMetaFailsCheckNamingTheFileAndTheChunkEntry() throws IOException {
    Path nydus = convertedToTagT();
    List<String> tampered = new ArrayList<>();
    rewriteBootstrapLayer(
        nydus,
        "t",
        "tampered",
        metas -> {
          BlobMetaFile first = metas.get(0);
          byte[] content = first.content();
          content[9] ^= 1; // compressed size bits of chunk 0
          tampered.add(first.blobId());
          List<BlobMetaFile> changed = new ArrayList<>(metas);
          changed.set(0, BlobMetaFile.parse(first.blobId(), content));
          return changed;
        });

    Result check =
        run("check", "--source", "oci:" + source + ":v1", "--target", "oci:" + nydus + ":tampered");

    assertThat(check.code).as(check.text()).isEqualTo(ConverterCli.CHECK_FAILED);
    String id = tampered.get(0);
    assertThat(check.out)
        .contains(
            "image/"
                + id
                + ".blob.meta differs from the cache form derived from blob sha256:"
                + id
                + ": chunk info entry 0 differs (byte 9)")
        .contains("filesystem ok");
  }

  @Test
  void bootstrapLayerWithoutBlobMetaFilesPassesCheckWithANote() throws IOException {
    Path nydus = convertedToTagT();
    rewriteBootstrapLayer(nydus, "t", "older", metas -> List.of());

    Result check =
        run("check", "--source", "oci:" + source + ":v1", "--target", "oci:" + nydus + ":older");

    assertThat(check.code).as(check.text()).isZero();
    assertThat(check.out).contains("note: bootstrap layer has no image/<blob>.blob.meta files");
  }

  @Test
  void bootstrapChunkWithAWrongCrcFailsCheck() throws IOException {
    Path nydus = convertedToTagT();
    rewriteBootstrapLayer(
        nydus,
        "t",
        "bad-crc",
        bootstrap -> {
          byte[] copy = bootstrap.clone();
          try {
            long table = BootstrapReader.read(copy).extSuperblock().chunkTableOffset();
            copy[(int) table + ChunkInfo.OFF_CRC32] ^= 1; // the first chunk's CRC-32C
          } catch (FormatException e) {
            throw new AssertionError(e);
          }
          return copy;
        },
        metas -> metas);

    Result check =
        run("check", "--source", "oci:" + source + ":v1", "--target", "oci:" + nydus + ":bad-crc");

    assertThat(check.code).as(check.text()).isEqualTo(ConverterCli.CHECK_FAILED);
    assertThat(check.out).contains("fsck.erofs ok").contains("data with CRC-32C");
    Result good =
        run("check", "--source", "oci:" + source + ":v1", "--target", "oci:" + nydus + ":t");
    assertThat(good.out).contains("match their digests and CRC-32C");
  }

  /** Converts the source into {@code nydus:t} (the tampering tests check copies of it). */
  private Path convertedToTagT() {
    Executables.assumeOnPath("fsck.erofs");
    Path nydus = dir.resolve("nydus");
    assertThat(
            run("convert", "--source", "oci:" + source + ":v1", "--target", "oci:" + nydus + ":t")
                .code)
        .isZero();
    return nydus;
  }

  private static void rewriteBootstrapLayer(
      Path layout, String tag, String newTag, BlobMetaEdit edit) throws IOException {
    rewriteBootstrapLayer(layout, tag, newTag, bootstrap -> bootstrap, edit);
  }

  /**
   * Tags as {@code newTag} a copy of image {@code tag} whose bootstrap and blob.meta files the
   * edits chose.
   */
  private static void rewriteBootstrapLayer(
      Path layout,
      String tag,
      String newTag,
      UnaryOperator<byte[]> bootstrapEdit,
      BlobMetaEdit edit)
      throws IOException {
    OciLayoutStore store = new OciLayoutStore(layout);
    StoredManifest manifest = store.manifest(tag);
    ObjectNode json = (ObjectNode) JSON.readTree(manifest.bytes());
    ObjectNode last = (ObjectNode) json.path("layers").get(json.path("layers").size() - 1);
    byte[] bootstrap = null;
    List<BlobMetaFile> metas = new ArrayList<>();
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(
            new GZIPInputStream(
                store.openBlob(last.path("digest").asString(), last.path("size").asLong())))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        byte[] content = tar.readAllBytes();
        if (e.getName().equals(BootstrapLayer.BOOTSTRAP_PATH)) {
          bootstrap = content;
        }
        BootstrapLayer.blobIdOfMetaPath(e.getName()).ifPresent(id -> metas.add(parse(id, content)));
      }
    }
    assertThat(metas).isNotEmpty();
    BootstrapLayer rewritten = BootstrapLayer.of(bootstrapEdit.apply(bootstrap), edit.apply(metas));
    store.pushBlob(
        rewritten.digest(),
        rewritten.size(),
        () -> new ByteArrayInputStream(rewritten.gzip()),
        null);
    last.put("digest", rewritten.digest());
    last.put("size", rewritten.size());
    store.pushManifest(
        newTag, StoredManifest.of(manifest.mediaType(), JSON.writeValueAsBytes(json)));
  }

  private static BlobMetaFile parse(String blobId, byte[] content) {
    try {
      return BlobMetaFile.parse(blobId, content);
    } catch (FormatException e) {
      throw new AssertionError(e);
    }
  }

  @FunctionalInterface
  private interface BlobMetaEdit {
    List<BlobMetaFile> apply(List<BlobMetaFile> metas) throws IOException;
  }

  @Test
  void badUsageExitsTwoAndMissingImageExitsThree() {
    assertThat(run("convert", "--source", "oci:" + source + ":v1").code)
        .isEqualTo(ConverterCli.USAGE);
    assertThat(run("convert", "--bogus").err).contains("unknown option '--bogus'");
    assertThat(run("convert", "--source", "oci:x", "--target", "oci:y:z").err)
        .contains("'oci:x' is not oci:DIR:TAG");
    assertThat(
            run(
                    "convert",
                    "--source",
                    "oci:" + source + ":v1",
                    "--target",
                    "oci:/tmp/x:t",
                    "--chunk-size",
                    "1000")
                .code)
        .isEqualTo(ConverterCli.USAGE);
    Result missing =
        run(
            "convert",
            "--source",
            "oci:" + source + ":nope",
            "--target",
            "oci:" + dir.resolve("t") + ":t");
    assertThat(missing.code).isEqualTo(ConverterCli.ERROR);
    assertThat(missing.err).contains(":nope");
  }

  record Result(int code, String out, String err) {
    String text() {
      return out + err;
    }
  }

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        ConverterCli.run(
            new ArrayList<>(List.of(args)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
