package dev.autoconvert.cli.pipeline;

import dev.autoconvert.format.tree.LayerTree;

/**
 * A source layer converted earlier: its Nydus blob and the tree the merge needs.
 *
 * @param blobDigest {@code sha256:} of the Nydus blob
 * @param blobSize blob bytes
 * @param tree the layer's files, chunks pointing into the blob (blob index 0)
 */
public record CachedLayer(String blobDigest, long blobSize, LayerTree tree) {}
