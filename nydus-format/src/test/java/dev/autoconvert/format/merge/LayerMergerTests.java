package dev.autoconvert.format.merge;

import static dev.autoconvert.format.testing.SyntheticImage.dir;
import static dev.autoconvert.format.testing.SyntheticImage.file;
import static dev.autoconvert.format.testing.SyntheticImage.hardlink;
import static dev.autoconvert.format.testing.SyntheticImage.symlink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoconvert.format.testing.SyntheticImage;
import dev.autoconvert.format.tree.BlobInfo;
import dev.autoconvert.format.tree.Chunk;
import dev.autoconvert.format.tree.Entry;
import dev.autoconvert.format.tree.FileType;
import dev.autoconvert.format.tree.LayerTree;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** OCI whiteout semantics of the merge (NYDUS-FORMAT.md §4.2) and its improvements on nydus. */
class LayerMergerTests {

  private static final int CHUNK = 4096;
  private int layers;

  private SyntheticImage layer() {
    return new SyntheticImage(CHUNK, 1, "layer-" + layers++);
  }

  private static Map<String, Entry> byPath(MergedTree t) {
    return t.entries().stream().collect(Collectors.toMap(Entry::path, Function.identity()));
  }

  private static List<String> paths(MergedTree t) {
    return t.entries().stream().map(Entry::path).toList();
  }

  @Test
  void fileWhiteoutRemovesTheLowerFileAndIsItselfNotShown() {
    SyntheticImage l1 = layer().add(file("/etc/a").content("a")).add(file("/etc/b").content("b"));
    SyntheticImage l2 = layer().add(file("/etc/.wh.a"));

    MergedTree t = LayerMerger.merge(List.of(l1.layer(), l2.layer()));

    assertThat(paths(t)).containsExactly("/", "/etc", "/etc/b");
  }

  @Test
  void directoryWhiteoutRemovesTheWholeSubtree() {
    SyntheticImage l1 = layer().add(file("/d/x/y").content("y")).add(file("/d2").content("z"));
    SyntheticImage l2 = layer().add(file("/.wh.d"));

    assertThat(paths(LayerMerger.merge(List.of(l1.layer(), l2.layer()))))
        .containsExactly("/", "/d2");
  }

  @Test
  void opaqueDirectoryHidesLowerChildrenButKeepsItsOwnLayersChildren() {
    SyntheticImage l1 =
        layer().add(dir("/o").mode(0700)).add(file("/o/old").content("1")).add(file("/o/sub/deep"));
    SyntheticImage l2 = layer().add(file("/o/new").content("2")).add(file("/o/.wh..wh..opq"));

    MergedTree t = LayerMerger.merge(List.of(l1.layer(), l2.layer()));

    assertThat(paths(t)).containsExactly("/", "/o", "/o/new");
    assertThat(byPath(t).get("/o").mode())
        .as("implied directory keeps lower metadata")
        .isEqualTo(0700);
  }

  @Test
  void whiteoutsInTheLowestLayerNeverShowUp() {
    SyntheticImage l1 =
        layer().add(file("/.wh.ghost")).add(file("/d/.wh..wh..opq")).add(file("/d/kept"));

    assertThat(paths(LayerMerger.merge(List.of(l1.layer())))).containsExactly("/", "/d", "/d/kept");
  }

  @Test
  void impliedDirectoryKeepsLowerMetadataAndListedDirectoryReplacesIt() {
    SyntheticImage l1 =
        layer()
            .add(dir("/").mode(0750).mtime(111))
            .add(dir("/etc").mode(0711).owner(1, 2).xattr("user.k", "v"))
            .add(dir("/var").mode(0700));
    SyntheticImage l2 =
        layer().add(file("/etc/new")).add(dir("/var").mode(0755).owner(3, 4).mtime(222));

    Map<String, Entry> t = byPath(LayerMerger.merge(List.of(l1.layer(), l2.layer())));

    assertThat(t.get("/").mode()).isEqualTo(0750);
    assertThat(t.get("/").mtime()).isEqualTo(111);
    assertThat(t.get("/etc").mode()).isEqualTo(0711);
    assertThat(t.get("/etc").uid()).isEqualTo(1);
    assertThat(t.get("/etc").xattrs()).containsKey("user.k");
    assertThat(t.get("/var").mode()).isEqualTo(0755);
    assertThat(t.get("/var").uid()).isEqualTo(3);
    assertThat(t.get("/var").mtime()).isEqualTo(222);
  }

  @Test
  void pathDeletedAndReAddedShowsTheNewContentOnly() {
    SyntheticImage l1 = layer().add(dir("/p")).add(file("/p/old").content("old"));
    SyntheticImage l2 = layer().add(file("/.wh.p"));
    SyntheticImage l3 = layer().add(dir("/p").mode(0711)).add(file("/p/new").content("new"));

    MergedTree t = LayerMerger.merge(List.of(l1.layer(), l2.layer(), l3.layer()));

    assertThat(paths(t)).containsExactly("/", "/p", "/p/new");
    assertThat(byPath(t).get("/p").mode()).isEqualTo(0711);
    assertThat(t.blobs()).extracting(BlobInfo::blobId).containsExactly(l3.blobs().get(0).blobId());
    assertThat(byPath(t).get("/p/new").chunks()).extracting(Chunk::blobIndex).containsExactly(0);
  }

  @Test
  void fileReplacedByDirectoryAndBackWithoutWhiteouts() {
    SyntheticImage l1 = layer().add(file("/x").content("file"));
    SyntheticImage l2 = layer().add(dir("/x")).add(file("/x/inside").content("inside"));
    SyntheticImage l3 = layer().add(symlink("/x", "elsewhere"));

    MergedTree two = LayerMerger.merge(List.of(l1.layer(), l2.layer()));
    MergedTree three = LayerMerger.merge(List.of(l1.layer(), l2.layer(), l3.layer()));

    assertThat(paths(two)).containsExactly("/", "/x", "/x/inside");
    assertThat(byPath(two).get("/x").type()).isEqualTo(FileType.DIRECTORY);
    assertThat(paths(three)).containsExactly("/", "/x");
    assertThat(byPath(three).get("/x").type()).isEqualTo(FileType.SYMLINK);
    assertThat(three.blobs()).isEmpty();
  }

  @Test
  void fileInsideALowerFilePathTurnsThatPathIntoADirectory() {
    SyntheticImage l1 = layer().add(file("/f").content("f"));
    SyntheticImage l2 = layer().add(file("/f/child"));

    MergedTree t = LayerMerger.merge(List.of(l1.layer(), l2.layer()));

    assertThat(byPath(t).get("/f").type()).isEqualTo(FileType.DIRECTORY);
    assertThat(t.blobs()).isEmpty();
  }

  @Test
  void hardlinkGroupLosesTheNameAnUpperLayerReplaces() {
    SyntheticImage l1 =
        layer()
            .add(file("/a").content("shared").mode(0600))
            .add(hardlink("/b", "/a"))
            .add(hardlink("/c", "/a"));
    SyntheticImage l2 = layer().add(file("/a").content("replaced"));

    Map<String, Entry> t = byPath(LayerMerger.merge(List.of(l1.layer(), l2.layer())));

    assertThat(t.get("/a").hardlinkTo()).isNull();
    assertThat(t.get("/a").size()).isEqualTo("replaced".length());
    assertThat(t.get("/b").hardlinkTo()).isNull();
    assertThat(t.get("/b").size()).isEqualTo("shared".length());
    assertThat(t.get("/b").mode()).isEqualTo(0600);
    assertThat(t.get("/b").chunks()).isNotEmpty();
    assertThat(t.get("/c").hardlinkTo()).isEqualTo("/b");
  }

  @Test
  void hardlinkGroupWhoseFirstNameIsDeletedKeepsItsData() {
    SyntheticImage l1 = layer().add(file("/a").content("data")).add(hardlink("/z", "/a"));
    SyntheticImage l2 = layer().add(file("/.wh.a"));

    MergedTree t = LayerMerger.merge(List.of(l1.layer(), l2.layer()));

    assertThat(paths(t)).containsExactly("/", "/z");
    assertThat(byPath(t).get("/z").hardlinkTo()).isNull();
    assertThat(byPath(t).get("/z").chunks()).hasSize(1);
    assertThat(t.blobs()).hasSize(1);
  }

  @Test
  void hardlinkGroupsOfTwoLayersStaySeparateInodes() {
    SyntheticImage l1 = layer().add(file("/a").content("one")).add(hardlink("/b", "/a"));
    SyntheticImage l2 = layer().add(file("/b").content("two")).add(hardlink("/c", "/b"));

    MergedTree t = LayerMerger.merge(List.of(l1.layer(), l2.layer()));
    Map<String, Entry> byPath = byPath(t);

    assertThat(byPath.get("/a").hardlinkTo()).as("alone in its layer-1 group now").isNull();
    assertThat(byPath.get("/a").size()).isEqualTo(3);
    assertThat(byPath.get("/b").hardlinkTo()).isNull();
    assertThat(byPath.get("/c").hardlinkTo()).isEqualTo("/b");
    assertThat(byPath.get("/c").chunks()).extracting(Chunk::blobIndex).containsExactly(1);
    assertThat(byPath.get("/a").chunks()).extracting(Chunk::blobIndex).containsExactly(0);
  }

  @Test
  void chunksAreRenumberedAndUnreferencedBlobsDropped() {
    SyntheticImage l1 = layer().add(file("/gone").content("gone"));
    SyntheticImage l2 = layer().add(file("/kept").content("kept"));
    SyntheticImage l3 = layer().add(dir("/meta-only").mode(0700));
    SyntheticImage l4 = layer().add(file("/.wh.gone")).add(file("/top").content("top"));

    MergedTree t = LayerMerger.merge(List.of(l1.layer(), l2.layer(), l3.layer(), l4.layer()));

    assertThat(t.blobs())
        .extracting(BlobInfo::blobId)
        .containsExactly(l2.blobs().get(0).blobId(), l4.blobs().get(0).blobId());
    assertThat(byPath(t).get("/kept").chunks()).extracting(Chunk::blobIndex).containsExactly(0);
    assertThat(byPath(t).get("/top").chunks()).extracting(Chunk::blobIndex).containsExactly(1);
  }

  @Test
  void twoLayersWithTheSameBlobListItOnce() {
    SyntheticImage l1 = layer().add(file("/a").content("same"));
    LayerTree again = new LayerTree(l1.layer().blob(), List.of(l1.entries().get(0)));

    MergedTree t = LayerMerger.merge(List.of(l1.layer(), again));

    assertThat(t.blobs()).hasSize(1);
  }

  @Test
  void layersWithDifferentChunkSizesAreRejected() {
    SyntheticImage l1 = layer().add(file("/a").content("a"));
    SyntheticImage l2 = new SyntheticImage(8192, 1, "other").add(file("/b").content("b"));

    assertThatThrownBy(() -> LayerMerger.merge(List.of(l1.layer(), l2.layer())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("layer 1")
        .hasMessageContaining("chunk size 8192");
  }
}
