/**
 * RAFS v6 on-disk structs (NYDUS-FORMAT.md §1): one record per struct with its {@code SIZE}, its
 * {@code OFF_*} field offsets and little-endian encode/decode. No logic beyond the bytes.
 */
package dev.autoconvert.format.layout;
