package dev.autoconvert.format.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.autoconvert.format.Compressor;
import dev.autoconvert.format.Digester;
import dev.autoconvert.format.blob.BlobCache;
import dev.autoconvert.format.bootstrap.BootstrapOptions;
import dev.autoconvert.format.bootstrap.BootstrapWriter;
import dev.autoconvert.format.convert.ConvertedLayer;
import dev.autoconvert.format.convert.LayerConverter;
import dev.autoconvert.format.convert.LayerOptions;
import dev.autoconvert.format.testing.KernelMount;
import dev.autoconvert.format.testing.Tools;
import dev.autoconvert.format.testing.TreeFacts;
import dev.autoconvert.format.tree.BlobInfo;
import dev.autoconvert.format.tree.LayerTree;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole chain on real layer tars made by GNU tar: each layer converted to a Nydus blob, the
 * layer trees merged, the merged bootstrap written, each blob's cache rebuilt from the blob alone;
 * fsck.erofs and the kernel must show what umoci unpacks from the same layers (umoci applies OCI
 * whiteouts itself). Needs root for owners and device nodes in the source layers.
 */
class MultiLayerConversionIntegrationTests {

  @TempDir Path tmp;

  /** $1 = layer directory, $2 = layer number: three layers with every kind of change. */
  private static final String LAYERS_SCRIPT =
      """
      set -e
      cd "$1"
      case "$2" in
      1)
        mkdir -p etc usr/bin var/lib/app opaque/sub flip p
        echo root:x:0:0 > etc/passwd; echo root:x:0: > etc/group
        chmod 0751 etc; chown 0:4 etc; setfattr -n user.layer -v one etc
        head -c 2500000 /dev/urandom > usr/bin/tool; chmod 4755 usr/bin/tool
        ln usr/bin/tool usr/bin/tool-a; ln usr/bin/tool usr/bin/tool-b
        echo data > var/lib/app/db; chown -R 999:999 var/lib/app; chmod 0700 var/lib/app
        echo a > opaque/a; echo x > opaque/sub/x; chmod 0750 opaque
        echo file > flip/was-dir-content; echo q1 > p/q
        mknod null c 1 3; mkfifo fifo
        : > .wh.never-there
        ;;
      2)
        mkdir -p etc var opaque flip-parent usr/bin
        : > etc/.wh.group; echo merged > etc/hostname
        : > var/.wh.lib
        : > opaque/.wh..wh..opq; echo upper > opaque/upper
        : > .wh.flip; echo now-a-file > flip
        printf replaced > usr/bin/tool; chmod 0700 usr/bin/tool
        : > .wh.p
        ;;
      3)
        mkdir -p p var/lib etc
        chmod 0705 p; echo q2 > p/q; echo fresh > var/lib/fresh
        chmod 0755 etc; setfattr -n user.layer -v three etc
        rm -f flip; mkdir flip; echo back > flip/inside
        ;;
      esac
      """;

  @BeforeAll
  static void needTools() {
    assumeTrue(Tools.isRoot(), "SKIPPED: building the source layers needs root (chown, mknod)");
    for (String tool : List.of("tar", "umoci", "fsck.erofs", "setfattr", "getfattr")) {
      assumeTrue(Tools.onPath(tool), "SKIPPED: " + tool + " not on PATH");
    }
  }

  @Test
  void convertedAndMergedLayersShowWhatUmociUnpacks() throws Exception {
    Path image = tmp.resolve("oci");
    Tools.run(List.of("umoci", "init", "--layout", image.toString())).requireSuccess();
    Tools.run(List.of("umoci", "new", "--image", image + ":t")).requireSuccess();
    List<LayerTree> trees = new ArrayList<>();
    Map<String, Path> blobs = new HashMap<>();
    for (int i = 1; i <= 3; i++) {
      Path src = Files.createDirectories(tmp.resolve("src-" + i));
      Tools.run(List.of("bash", "-c", LAYERS_SCRIPT, "layers", src.toString(), String.valueOf(i)))
          .requireSuccess();
      Path tar = tmp.resolve("layer-" + i + ".tar");
      Tools.run(
              List.of(
                  "tar",
                  "--format=pax",
                  "--xattrs",
                  "--xattrs-include=*",
                  "--numeric-owner",
                  "-C",
                  src.toString(),
                  "-cf",
                  tar.toString(),
                  "."))
          .requireSuccess();
      Tools.run(List.of("umoci", "raw", "add-layer", "--image", image + ":t", tar.toString()))
          .requireSuccess();
      Path blob = tmp.resolve("blob-" + i);
      ConvertedLayer converted;
      try (InputStream in = Files.newInputStream(tar);
          OutputStream out = Files.newOutputStream(blob)) {
        converted =
            LayerConverter.convert(
                in,
                null,
                "layer-" + i,
                out,
                new LayerOptions(Compressor.ZSTD, 1 << 20, Digester.BLAKE3, List.of("/")));
      }
      trees.add(converted.tree());
      if (converted.tree().blob() != null) {
        blobs.put(converted.tree().blob().blobId(), blob);
      }
    }
    Path bundle = tmp.resolve("bundle");
    Tools.run(List.of("umoci", "unpack", "--image", image + ":t", bundle.toString()))
        .requireSuccess();
    Path reference = bundle.resolve("rootfs");

    MergedTree merged = LayerMerger.merge(trees);
    Path boot = tmp.resolve("image.boot");
    Files.write(
        boot,
        BootstrapWriter.write(merged.entries(), merged.blobs(), BootstrapOptions.merged(1 << 20)));
    List<Path> caches = new ArrayList<>();
    for (BlobInfo blob : merged.blobs()) {
      Path cache = tmp.resolve(blob.blobId() + ".blob.data");
      BlobCache.rebuild(blobs.get(blob.blobId()), cache);
      caches.add(cache);
    }
    assertThat(merged.blobs()).as("layer 3 still has data, layer 2's tool is replaced").hasSize(3);

    Map<String, TreeFacts.Facts> want = TreeFacts.actual(reference, true);
    assertThat(want)
        .containsKeys("/p/q", "/flip/inside", "/opaque/upper", "/etc/hostname")
        .doesNotContainKeys("/etc/group", "/var/lib/app", "/opaque/a", "/.wh.never-there");
    assertThat(want.get("/etc").xattrs()).containsEntry("user.layer", "7468726565"); // "three"
    assertThat(want.get("/usr/bin/tool-b").nlink()).as("split hardlink group").isEqualTo(2);

    Path extracted = tmp.resolve("fsck");
    List<String> fsck = new ArrayList<>(List.of("fsck.erofs"));
    caches.forEach(c -> fsck.add("--device=" + c));
    fsck.addAll(List.of("--extract=" + extracted, boot.toString()));
    Tools.run(fsck).requireSuccess();
    // fsck.erofs 1.5 drops hardlinks and set-id bits of files and does not extract xattrs.
    Map<String, TreeFacts.Facts> wantFromFsck = new HashMap<>(want);
    wantFromFsck.replaceAll((p, f) -> asFsck(f));
    Map<String, TreeFacts.Facts> gotFromFsck = TreeFacts.actual(extracted, false);
    gotFromFsck.replaceAll((p, f) -> asFsck(f));
    assertThat(TreeFacts.differences(new TreeMap<>(wantFromFsck), gotFromFsck)).isEmpty();

    Path mnt = Files.createDirectory(tmp.resolve("mnt"));
    try (KernelMount m = KernelMount.mount(boot, caches, mnt)) {
      Map<String, TreeFacts.Facts> got = TreeFacts.actual(m.root(), true);
      assertThat(TreeFacts.differences(want, got)).isEmpty();
    }
  }

  private static TreeFacts.Facts asFsck(TreeFacts.Facts f) {
    boolean regular = f.type().equals("REGULAR");
    return new TreeFacts.Facts(
        f.type(),
        regular ? Integer.toOctalString(Integer.parseInt(f.mode(), 8) & 0777) : f.mode(),
        f.uid(),
        f.gid(),
        f.size(),
        f.sha256(),
        f.target(),
        f.rdev(),
        regular ? 1 : f.nlink(),
        null);
  }
}
