/**
 * Writes RAFS v6 bootstraps from a tree of {@link dev.autoconvert.format.tree.Entry}: the per-layer
 * bootstrap embedded in a blob and the merged image bootstrap. Entry point: {@link
 * dev.autoconvert.format.bootstrap.BootstrapWriter}.
 */
package dev.autoconvert.format.bootstrap;
