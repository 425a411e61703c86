package dev.autoconvert.format.merge;

import dev.autoconvert.format.tree.LayerTree;
import java.util.List;

/** Folds per-layer trees into the tree of the whole image (NYDUS-FORMAT.md §4.2). */
public final class LayerMerger {

  private LayerMerger() {}

  /**
   * Folds per-layer trees bottom to top with OCI whiteouts; chunks are renumbered to the merged
   * blob table and unreferenced blobs dropped.
   */
  public static MergedTree merge(List<LayerTree> layersBottomToTop) {
    throw new UnsupportedOperationException("LayerMerger.merge: not implemented yet");
  }
}
