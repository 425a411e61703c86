package dev.autoconvert.format.tree;

import dev.autoconvert.format.Compressor;
import dev.autoconvert.format.Digester;

/**
 * What a bootstrap records about one Nydus data blob: its blob table entry and device slot
 * (NYDUS-FORMAT.md §1.4, §1.5).
 *
 * @param blobId 64 lower-case hex characters: sha256 of the whole blob file
 * @param chunkSize chunk size in bytes, a power of two in [4 KiB, 16 MiB]
 * @param chunkCount number of entries in the blob's CI array
 * @param compressor chunk compressor
 * @param digester chunk digest algorithm
 * @param features blob feature bits as written by the per-layer conversion (§1.5 table)
 * @param compressedSize size of the blob's chunk data region (§3.8)
 * @param uncompressedSize end of the last 4096-aligned uncompressed chunk
 * @param ciCompressor compressor of the CI array
 * @param ciOffset absolute offset of the CI array inside the blob
 * @param ciCompressedSize stored size of the CI array
 * @param ciUncompressedSize 16 x chunkCount for CI v1
 */
public record BlobInfo(
    String blobId,
    int chunkSize,
    int chunkCount,
    Compressor compressor,
    Digester digester,
    int features,
    long compressedSize,
    long uncompressedSize,
    Compressor ciCompressor,
    long ciOffset,
    long ciCompressedSize,
    long ciUncompressedSize) {}
