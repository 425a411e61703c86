/**
 * Folds per-layer trees into the image's tree with OCI whiteout rules ({@link
 * dev.autoconvert.format.merge.LayerMerger}, NYDUS-FORMAT.md §4.2).
 */
package dev.autoconvert.format.merge;
