/**
 * Parses RAFS v6 bootstraps, ours and upstream's ({@link
 * dev.autoconvert.format.read.BootstrapReader}), and reads file content through chunk indexes from
 * uncompressed blob caches ({@link dev.autoconvert.format.read.CachedContent}).
 */
package dev.autoconvert.format.read;
