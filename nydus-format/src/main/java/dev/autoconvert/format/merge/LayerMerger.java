package dev.autoconvert.format.merge;

import dev.autoconvert.format.tree.BlobInfo;
import dev.autoconvert.format.tree.Chunk;
import dev.autoconvert.format.tree.Entry;
import dev.autoconvert.format.tree.FileType;
import dev.autoconvert.format.tree.LayerTree;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Folds per-layer trees into the tree of the whole image with OCI whiteout rules (NYDUS-FORMAT.md
 * §4.2), improving on nydus-image where §4.2 lists its quirks: whiteouts in the lowest layer are
 * applied (they never show up as files), and a directory an upper layer only implies (by listing
 * something inside it) keeps the lower directory's metadata. A layer tree must therefore list only
 * what its tar lists.
 */
public final class LayerMerger {

  /** OCI marker that hides every lower entry of its directory. */
  static final String OPAQUE = ".wh..wh..opq";

  /** OCI prefix of a file that deletes the lower entry with the rest of its name. */
  static final String WHITEOUT_PREFIX = ".wh.";

  private LayerMerger() {}

  /** A merged entry and the layer it came from; hardlink groups never span layers. */
  private record Placed(Entry entry, int layer, String group) {}

  /**
   * Folds per-layer trees bottom to top with OCI whiteouts; chunks are renumbered to the merged
   * blob table and unreferenced blobs dropped.
   *
   * @throws IllegalArgumentException naming the layer and entry that cannot be merged
   */
  public static MergedTree merge(List<LayerTree> layersBottomToTop) {
    checkChunkSizes(layersBottomToTop);
    // Paths sort parents first and keep each directory's descendants in one contiguous range.
    NavigableMap<String, Placed> tree = new TreeMap<>();
    tree.put("/", new Placed(Entry.impliedDirectory("/"), -1, null));
    Map<String, Entry> groupInodes = new HashMap<>();
    for (int layer = 0; layer < layersBottomToTop.size(); layer++) {
      apply(tree, groupInodes, layer, layersBottomToTop.get(layer));
    }
    return renumberBlobs(regroupHardlinks(tree, groupInodes), layersBottomToTop);
  }

  private static void apply(
      NavigableMap<String, Placed> tree, Map<String, Entry> groupInodes, int layer, LayerTree lt) {
    // Later tar entries for the same path replace earlier ones; tar order is otherwise irrelevant.
    Map<String, Entry> byPath = new LinkedHashMap<>();
    for (Entry e : lt.entries()) {
      byPath.put(e.path(), e);
    }
    // Pass 1: whiteouts act on the lower layers only, before this layer's own entries land.
    for (Entry e : byPath.values()) {
      String name = name(e.path());
      String dir = parent(e.path());
      if (name.equals(OPAQUE)) {
        Placed d = tree.get(dir);
        if (d != null && d.entry.type() == FileType.DIRECTORY) {
          removeDescendants(tree, dir);
        }
      } else if (name.startsWith(WHITEOUT_PREFIX)) {
        String target = child(dir, name.substring(WHITEOUT_PREFIX.length()));
        tree.remove(target);
        removeDescendants(tree, target);
      }
    }
    // Pass 2: everything else replaces or adds.
    for (Entry e : byPath.values()) {
      if (name(e.path()).startsWith(WHITEOUT_PREFIX)) {
        continue;
      }
      if (e.type() == FileType.REGULAR && !e.chunks().isEmpty() && lt.blob() == null) {
        throw new IllegalArgumentException(
            "layer " + layer + ": " + e.path() + " has chunks but the layer has no blob");
      }
      for (Chunk c : e.chunks()) {
        if (c.blobIndex() != 0) {
          throw new IllegalArgumentException(
              "layer "
                  + layer
                  + ": "
                  + e.path()
                  + " has a chunk in blob "
                  + c.blobIndex()
                  + "; a layer tree's chunks must name its own blob (index 0)");
        }
      }
      ensureParents(tree, e.path());
      Placed lower = tree.get(e.path());
      if (lower != null
          && (lower.entry.type() != FileType.DIRECTORY || e.type() != FileType.DIRECTORY)) {
        removeDescendants(tree, e.path());
      }
      String group = null;
      if (e.type() == FileType.REGULAR) {
        String inodePath = hardlinkRoot(byPath, e, layer);
        group = layer + ":" + inodePath;
        groupInodes.putIfAbsent(group, byPath.get(inodePath));
      }
      tree.put(e.path(), new Placed(e, layer, group));
    }
  }

  /** The path of the regular file a name's inode belongs to in its own layer. */
  private static String hardlinkRoot(Map<String, Entry> layer, Entry e, int layerIndex) {
    Entry at = e;
    for (int hops = 0; at.hardlinkTo() != null; hops++) {
      Entry target = layer.get(at.hardlinkTo());
      if (target == null || target.type() != FileType.REGULAR || hops > layer.size()) {
        throw new IllegalArgumentException(
            "layer "
                + layerIndex
                + ": hardlink "
                + e.path()
                + " points to "
                + at.hardlinkTo()
                + ", which is not a regular file of the same layer");
      }
      at = target;
    }
    return at.path();
  }

  /**
   * Directories the layer implies keep lower metadata; missing ones are synthesised, and a lower
   * non-directory in the way is replaced by a directory as overlayfs would show it.
   */
  private static void ensureParents(NavigableMap<String, Placed> tree, String path) {
    List<String> missing = new ArrayList<>();
    for (String p = parent(path); p != null; p = parent(p)) {
      Placed existing = tree.get(p);
      if (existing != null && existing.entry.type() == FileType.DIRECTORY) {
        break;
      }
      missing.add(p);
    }
    for (int i = missing.size() - 1; i >= 0; i--) {
      tree.put(missing.get(i), new Placed(Entry.impliedDirectory(missing.get(i)), -1, null));
    }
  }

  private static void removeDescendants(NavigableMap<String, Placed> tree, String dir) {
    String prefix = dir.equals("/") ? "/" : dir + "/";
    // Every descendant starts with prefix; '0' is the character after '/'.
    String end = prefix.substring(0, prefix.length() - 1) + "0";
    Placed root = tree.get("/");
    tree.subMap(prefix, true, end, false).clear();
    tree.put("/", root);
  }

  /**
   * Hardlink groups are per layer and source inode. When an upper layer replaced some names of a
   * group, the first surviving name (path order) becomes the inode and the others link to it.
   */
  private static List<Placed> regroupHardlinks(
      NavigableMap<String, Placed> tree, Map<String, Entry> groupInodes) {
    Map<String, String> primaryOfGroup = new HashMap<>();
    List<Placed> out = new ArrayList<>();
    for (Placed p : tree.values()) {
      if (p.group == null) {
        out.add(p);
        continue;
      }
      String primary = primaryOfGroup.putIfAbsent(p.group, p.entry.path());
      out.add(
          new Placed(
              withPath(groupInodes.get(p.group), p.entry.path(), primary), p.layer, p.group));
    }
    return out;
  }

  /** Blobs in layer order, each once (two layers may share a blob), only if still referenced. */
  private static MergedTree renumberBlobs(List<Placed> placed, List<LayerTree> layers) {
    boolean[] referenced = new boolean[layers.size()];
    for (Placed p : placed) {
      if (!p.entry.chunks().isEmpty()) {
        referenced[p.layer] = true;
      }
    }
    List<BlobInfo> blobs = new ArrayList<>();
    Map<String, Integer> indexOfBlob = new HashMap<>();
    int[] newIndex = new int[layers.size()];
    for (int i = 0; i < layers.size(); i++) {
      BlobInfo blob = layers.get(i).blob();
      if (referenced[i]) {
        newIndex[i] =
            indexOfBlob.computeIfAbsent(
                blob.blobId(),
                id -> {
                  blobs.add(blob);
                  return blobs.size() - 1;
                });
      }
    }
    List<Entry> entries = new ArrayList<>();
    for (Placed p : placed) {
      Entry e = p.entry;
      if (e.chunks().isEmpty()) {
        entries.add(e);
        continue;
      }
      int index = newIndex[p.layer];
      entries.add(e.withChunks(e.chunks().stream().map(c -> c.withBlobIndex(index)).toList()));
    }
    return new MergedTree(entries, blobs);
  }

  private static Entry withPath(Entry inode, String path, String hardlinkTo) {
    return new Entry(
        path,
        inode.type(),
        inode.mode(),
        inode.uid(),
        inode.gid(),
        inode.mtime(),
        inode.mtimeNanos(),
        inode.size(),
        inode.linkTarget(),
        hardlinkTo,
        inode.rdevMajor(),
        inode.rdevMinor(),
        inode.xattrs(),
        inode.chunks());
  }

  private static void checkChunkSizes(List<LayerTree> layers) {
    Integer chunkSize = null;
    for (int i = 0; i < layers.size(); i++) {
      BlobInfo blob = layers.get(i).blob();
      if (blob == null) {
        continue;
      }
      if (chunkSize != null && blob.chunkSize() != chunkSize) {
        throw new IllegalArgumentException(
            "layer "
                + i
                + " (blob "
                + blob.blobId()
                + ") has chunk size "
                + blob.chunkSize()
                + ", lower layers "
                + chunkSize
                + "; an image has one chunk size");
      }
      chunkSize = blob.chunkSize();
    }
  }

  static String parent(String path) {
    if (path.equals("/")) {
      return null;
    }
    int slash = path.lastIndexOf('/');
    return slash == 0 ? "/" : path.substring(0, slash);
  }

  static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  static String child(String dir, String name) {
    return dir.equals("/") ? "/" + name : dir + "/" + name;
  }
}
