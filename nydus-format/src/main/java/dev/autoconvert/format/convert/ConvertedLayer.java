package dev.autoconvert.format.convert;

import dev.autoconvert.format.tree.LayerTree;

/**
 * The result of converting one layer.
 *
 * @param tree the layer's objects in tar order; chunks have blob index 0; its blob (null when the
 *     layer has no file data) carries the real blob id
 * @param blobSize size of the Nydus blob written
 * @param blobDigest "sha256:&lt;hex&gt;" of the blob: its registry digest and blob id
 * @param uncompressedTarSize bytes of the source layer's uncompressed tar
 */
public record ConvertedLayer(
    LayerTree tree, long blobSize, String blobDigest, long uncompressedTarSize) {}
