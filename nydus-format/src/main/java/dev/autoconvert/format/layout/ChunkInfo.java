package dev.autoconvert.format.layout;

import java.nio.ByteBuffer;

/**
 * One 80-byte record of the chunk info table at the end of the bootstrap (NYDUS-FORMAT.md §1.14,
 * nydus {@code RafsV5ChunkInfo}). nydusd finds the record of a chunk index by rebuilding the index
 * from (blobIndex, index, uncompressedOffset / 4096), so those must agree with the inodes.
 */
public record ChunkInfo(
    byte[] digest,
    int blobIndex,
    int flags,
    long compressedSize,
    long uncompressedSize,
    long compressedOffset,
    long uncompressedOffset,
    long fileOffset,
    long index,
    long crc32) {

  public static final int SIZE = 80;

  /** block_id[32]: blake3 or sha256 of the uncompressed chunk. */
  public static final int OFF_DIGEST = 0;

  /** blob_index u32: 0-based blob table position. */
  public static final int OFF_BLOB_INDEX = 32;

  /** flags u32: {@code FLAG_*}. */
  public static final int OFF_FLAGS = 36;

  /** compressed_size u32. */
  public static final int OFF_COMPRESSED_SIZE = 40;

  /** uncompressed_size u32. */
  public static final int OFF_UNCOMPRESSED_SIZE = 44;

  /** compressed_offset u64: absolute in the blob. */
  public static final int OFF_COMPRESSED_OFFSET = 48;

  /** uncompressed_offset u64: 4096-aligned, in the blob's uncompressed space. */
  public static final int OFF_UNCOMPRESSED_OFFSET = 56;

  /** file_offset u64: offset in the first file that used the chunk; informational. */
  public static final int OFF_FILE_OFFSET = 64;

  /** index u32: ci index in the blob. */
  public static final int OFF_INDEX = 72;

  /** crc32 u32: CRC-32C of the uncompressed chunk when FLAG_HAS_CRC32 is set, else 0. */
  public static final int OFF_CRC32 = 76;

  public static final int DIGEST_SIZE = 32;

  /** The stored chunk is compressed (compressed_size differs from uncompressed_size). */
  public static final int FLAG_COMPRESSED = 0x1;

  public static final int FLAG_HAS_CRC32 = 0x10;

  public ChunkInfo {
    if (digest.length != DIGEST_SIZE) {
      throw new IllegalArgumentException("chunk digest must be 32 bytes, got " + digest.length);
    }
  }

  public byte[] encode() {
    ByteBuffer b = Bytes.buffer(SIZE);
    b.put(OFF_DIGEST, digest);
    b.putInt(OFF_BLOB_INDEX, blobIndex);
    b.putInt(OFF_FLAGS, flags);
    b.putInt(OFF_COMPRESSED_SIZE, (int) compressedSize);
    b.putInt(OFF_UNCOMPRESSED_SIZE, (int) uncompressedSize);
    b.putLong(OFF_COMPRESSED_OFFSET, compressedOffset);
    b.putLong(OFF_UNCOMPRESSED_OFFSET, uncompressedOffset);
    b.putLong(OFF_FILE_OFFSET, fileOffset);
    b.putInt(OFF_INDEX, (int) index);
    b.putInt(OFF_CRC32, (int) crc32);
    return b.array();
  }

  public static ChunkInfo decode(ByteBuffer b, int at) {
    return new ChunkInfo(
        Bytes.slice(b, at + OFF_DIGEST, DIGEST_SIZE),
        b.getInt(at + OFF_BLOB_INDEX),
        b.getInt(at + OFF_FLAGS),
        Bytes.u32(b, at + OFF_COMPRESSED_SIZE),
        Bytes.u32(b, at + OFF_UNCOMPRESSED_SIZE),
        b.getLong(at + OFF_COMPRESSED_OFFSET),
        b.getLong(at + OFF_UNCOMPRESSED_OFFSET),
        b.getLong(at + OFF_FILE_OFFSET),
        Bytes.u32(b, at + OFF_INDEX),
        Bytes.u32(b, at + OFF_CRC32));
  }
}
