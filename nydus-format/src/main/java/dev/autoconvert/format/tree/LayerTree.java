package dev.autoconvert.format.tree;

import java.util.List;

/**
 * The filesystem objects of one converted layer, in tar order, with the blob that holds their data
 * (null for a layer without file data). Whiteout entries are kept as they appear in the tar ({@code
 * .wh.name}, {@code .wh..wh..opq}); the merge interprets them.
 */
public record LayerTree(BlobInfo blob, List<Entry> entries) {
  public LayerTree {
    entries = List.copyOf(entries);
  }
}
