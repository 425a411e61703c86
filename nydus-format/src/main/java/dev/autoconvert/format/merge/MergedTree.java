package dev.autoconvert.format.merge;

import dev.autoconvert.format.tree.BlobInfo;
import dev.autoconvert.format.tree.Entry;
import java.util.List;

/**
 * The filesystem of a whole image after applying every layer, ready for {@code
 * BootstrapWriter.write(entries, blobs, ...)}.
 *
 * @param entries every object of the merged tree, root first; chunk blob indexes point into {@code
 *     blobs}
 * @param blobs the blobs still referenced by some chunk, in layer order
 */
public record MergedTree(List<Entry> entries, List<BlobInfo> blobs) {
  public MergedTree {
    entries = List.copyOf(entries);
    blobs = List.copyOf(blobs);
  }
}
