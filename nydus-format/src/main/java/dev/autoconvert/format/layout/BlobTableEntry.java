package dev.autoconvert.format.layout;

import java.nio.ByteBuffer;

/**
 * One nydus blob table record (NYDUS-FORMAT.md §1.5, nydus {@code RafsV6Blob}). Fields not listed
 * (blob_meta_digest, blob_meta_size, cipher fields) are zero for unencrypted, non-ZRAN blobs.
 */
public record BlobTableEntry(
    String blobId,
    int blobIndex,
    long chunkSize,
    long chunkCount,
    int compressionAlgo,
    int digestAlgo,
    long features,
    long compressedSize,
    long uncompressedSize,
    long tocSize,
    int ciCompressor,
    long ciOffset,
    long ciCompressedSize,
    long ciUncompressedSize) {

  public static final int SIZE = 256;

  /** blob_id[64]: same string as the device tag, NUL padded. */
  public static final int OFF_BLOB_ID = 0;

  public static final int BLOB_ID_SIZE = 64;

  /** blob_index u32: its own position; nydusd checks equality. */
  public static final int OFF_BLOB_INDEX = 64;

  /** chunk_size u32: must equal the superblock's. */
  public static final int OFF_CHUNK_SIZE = 68;

  /** chunk_count u32: entries of the blob's CI array. */
  public static final int OFF_CHUNK_COUNT = 72;

  /** compression_algo u32: 0 none, 1 lz4_block, 2 gzip, 3 zstd. */
  public static final int OFF_COMPRESSION_ALGO = 76;

  /** digest_algo u32: 0 blake3, 1 sha256. */
  public static final int OFF_DIGEST_ALGO = 80;

  /** features u32: blob feature bits ({@code FEATURE_*}). */
  public static final int OFF_FEATURES = 84;

  /** compressed_size u64: informational for nydusd (§3.8). */
  public static final int OFF_COMPRESSED_SIZE = 88;

  /** uncompressed_size u64: 4096 x device blocks. */
  public static final int OFF_UNCOMPRESSED_SIZE = 96;

  /** blob_toc_size u32: 0 for inline-meta blobs, nydusd then finds the TOC at the tail. */
  public static final int OFF_TOC_SIZE = 104;

  /** ci_compressor u32: compressor of the CI array. */
  public static final int OFF_CI_COMPRESSOR = 108;

  /** ci_offset u64: absolute offset of the CI array inside the blob. */
  public static final int OFF_CI_OFFSET = 112;

  /** ci_compressed_size u64: stored CI size, header not included. */
  public static final int OFF_CI_COMPRESSED_SIZE = 120;

  /** ci_uncompressed_size u64: 16 x chunk_count for CI v1. */
  public static final int OFF_CI_UNCOMPRESSED_SIZE = 128;

  /** blob_toc_digest[32]: zero for inline-meta blobs (older separate blobs carry it). */
  public static final int OFF_TOC_DIGEST = 136;

  /** blob_meta_digest[32], blob_meta_size u64, cipher fields, reserved: zeros. */
  public static final int OFF_BLOB_META_DIGEST = 168;

  /** Uncompressed chunk offsets are 4096-aligned; mandatory for RAFS v6. */
  public static final long FEATURE_ALIGNED = 0x1;

  /** The layer's bootstrap is inside the blob; cleared in merged bootstraps. */
  public static final long FEATURE_INLINED_FS_META = 0x2;

  public static final long FEATURE_CHUNK_INFO_V2 = 0x4;
  public static final long FEATURE_ZRAN = 0x8;

  /** The blob carries blob.digest, the chunk digest array. */
  public static final long FEATURE_INLINED_CHUNK_DIGEST = 0x20;

  public static final long FEATURE_HAS_TAR_HEADER = 0x10000000;
  public static final long FEATURE_HAS_TOC = 0x20000000;
  public static final long FEATURE_CAP_TAR_TOC = 0x40000000;

  /** Bits nydusd refuses to see in a blob entry. */
  public static final long FEATURE_FORBIDDEN = 0xF000L | 0x80000000L;

  public byte[] encode() {
    ByteBuffer b = Bytes.buffer(SIZE);
    Bytes.putFixedAscii(b, OFF_BLOB_ID, BLOB_ID_SIZE, blobId);
    b.putInt(OFF_BLOB_INDEX, blobIndex);
    b.putInt(OFF_CHUNK_SIZE, (int) chunkSize);
    b.putInt(OFF_CHUNK_COUNT, (int) chunkCount);
    b.putInt(OFF_COMPRESSION_ALGO, compressionAlgo);
    b.putInt(OFF_DIGEST_ALGO, digestAlgo);
    b.putInt(OFF_FEATURES, (int) features);
    b.putLong(OFF_COMPRESSED_SIZE, compressedSize);
    b.putLong(OFF_UNCOMPRESSED_SIZE, uncompressedSize);
    b.putInt(OFF_TOC_SIZE, (int) tocSize);
    b.putInt(OFF_CI_COMPRESSOR, ciCompressor);
    b.putLong(OFF_CI_OFFSET, ciOffset);
    b.putLong(OFF_CI_COMPRESSED_SIZE, ciCompressedSize);
    b.putLong(OFF_CI_UNCOMPRESSED_SIZE, ciUncompressedSize);
    return b.array();
  }

  public static BlobTableEntry decode(ByteBuffer b, int at) {
    return new BlobTableEntry(
        Bytes.fixedAscii(b, at + OFF_BLOB_ID, BLOB_ID_SIZE),
        b.getInt(at + OFF_BLOB_INDEX),
        Bytes.u32(b, at + OFF_CHUNK_SIZE),
        Bytes.u32(b, at + OFF_CHUNK_COUNT),
        b.getInt(at + OFF_COMPRESSION_ALGO),
        b.getInt(at + OFF_DIGEST_ALGO),
        Bytes.u32(b, at + OFF_FEATURES),
        b.getLong(at + OFF_COMPRESSED_SIZE),
        b.getLong(at + OFF_UNCOMPRESSED_SIZE),
        Bytes.u32(b, at + OFF_TOC_SIZE),
        b.getInt(at + OFF_CI_COMPRESSOR),
        b.getLong(at + OFF_CI_OFFSET),
        b.getLong(at + OFF_CI_COMPRESSED_SIZE),
        b.getLong(at + OFF_CI_UNCOMPRESSED_SIZE));
  }
}
