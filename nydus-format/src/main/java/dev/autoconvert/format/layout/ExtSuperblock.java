package dev.autoconvert.format.layout;

import java.nio.ByteBuffer;

/**
 * The nydus extended superblock at byte 1152, right after the EROFS superblock (NYDUS-FORMAT.md
 * §1.3, nydus {@code RafsV6SuperBlockExt}). The kernel never reads it; nydusd takes compression,
 * digest, chunk size and the table locations from it.
 */
public record ExtSuperblock(
    long flags,
    long blobTableOffset,
    long blobTableSize,
    long chunkSize,
    long chunkTableOffset,
    long chunkTableSize,
    long prefetchTableOffset,
    long prefetchTableSize) {

  /** Lies in what EROFS considers the reserved tail of the superblock block. */
  public static final int OFFSET = Superblock.OFFSET + Superblock.SIZE;

  public static final int SIZE = 256;

  /** s_flags u64: compression, hash and feature bits ({@code FLAG_*}). */
  public static final int OFF_FLAGS = 0;

  /** s_blob_table_offset u64: 4096-aligned, after the device table. */
  public static final int OFF_BLOB_TABLE_OFFSET = 8;

  /** s_blob_table_size u32: 256 per blob. */
  public static final int OFF_BLOB_TABLE_SIZE = 16;

  /** s_chunk_size u32: one chunk size for the whole image. */
  public static final int OFF_CHUNK_SIZE = 20;

  /** s_chunk_info_table_offset u64: 4096-aligned chunk info table after the inode area. */
  public static final int OFF_CHUNK_TABLE_OFFSET = 24;

  /** s_chunk_info_table_size u64: 80 per record. */
  public static final int OFF_CHUNK_TABLE_SIZE = 32;

  /** s_prefetch_table_offset u64: right after the blob table, 0 when there is none. */
  public static final int OFF_PREFETCH_TABLE_OFFSET = 40;

  /** s_prefetch_table_size u32: 4 per nid. */
  public static final int OFF_PREFETCH_TABLE_SIZE = 48;

  /** s_padding u32 then 200 reserved bytes: zeros. */
  public static final int OFF_PADDING = 52;

  public static final long FLAG_COMPRESSION_NONE = 0x1;
  public static final long FLAG_COMPRESSION_LZ4 = 0x2;
  public static final long FLAG_HASH_BLAKE3 = 0x4;
  public static final long FLAG_HASH_SHA256 = 0x8;

  /** uid/gid come from the source (nydus sets it unless building "repeatable" images). */
  public static final long FLAG_EXPLICIT_UID_GID = 0x10;

  /** Some inode has xattrs; nydus-image merge always sets it. */
  public static final long FLAG_HAS_XATTR = 0x20;

  public static final long FLAG_COMPRESSION_GZIP = 0x40;
  public static final long FLAG_COMPRESSION_ZSTD = 0x80;

  /** Every blob carries its chunk digests (blob feature INLINED_CHUNK_DIGEST). */
  public static final long FLAG_INLINED_CHUNK_DIGEST = 0x100;

  public static final long FLAG_TARFS_MODE = 0x200;

  /** Written by nydus 2.3+ on unencrypted images. */
  public static final long FLAG_ENCRYPTION_NONE = 0x01000000;

  public static final long FLAG_ENCRYPTION_AES_128_XTS = 0x02000000;

  /** Every bit nydusd knows; it rejects any other. */
  public static final long KNOWN_FLAGS =
      FLAG_COMPRESSION_NONE
          | FLAG_COMPRESSION_LZ4
          | FLAG_HASH_BLAKE3
          | FLAG_HASH_SHA256
          | FLAG_EXPLICIT_UID_GID
          | FLAG_HAS_XATTR
          | FLAG_COMPRESSION_GZIP
          | FLAG_COMPRESSION_ZSTD
          | FLAG_INLINED_CHUNK_DIGEST
          | FLAG_TARFS_MODE
          | FLAG_ENCRYPTION_NONE
          | FLAG_ENCRYPTION_AES_128_XTS;

  public static final long COMPRESSION_MASK =
      FLAG_COMPRESSION_NONE | FLAG_COMPRESSION_LZ4 | FLAG_COMPRESSION_GZIP | FLAG_COMPRESSION_ZSTD;

  public static final long HASH_MASK = FLAG_HASH_BLAKE3 | FLAG_HASH_SHA256;

  public byte[] encode() {
    ByteBuffer b = Bytes.buffer(SIZE);
    b.putLong(OFF_FLAGS, flags);
    b.putLong(OFF_BLOB_TABLE_OFFSET, blobTableOffset);
    b.putInt(OFF_BLOB_TABLE_SIZE, (int) blobTableSize);
    b.putInt(OFF_CHUNK_SIZE, (int) chunkSize);
    b.putLong(OFF_CHUNK_TABLE_OFFSET, chunkTableOffset);
    b.putLong(OFF_CHUNK_TABLE_SIZE, chunkTableSize);
    b.putLong(OFF_PREFETCH_TABLE_OFFSET, prefetchTableOffset);
    b.putInt(OFF_PREFETCH_TABLE_SIZE, (int) prefetchTableSize);
    return b.array();
  }

  public static ExtSuperblock decode(ByteBuffer b, int at) {
    return new ExtSuperblock(
        b.getLong(at + OFF_FLAGS),
        b.getLong(at + OFF_BLOB_TABLE_OFFSET),
        Bytes.u32(b, at + OFF_BLOB_TABLE_SIZE),
        Bytes.u32(b, at + OFF_CHUNK_SIZE),
        b.getLong(at + OFF_CHUNK_TABLE_OFFSET),
        b.getLong(at + OFF_CHUNK_TABLE_SIZE),
        b.getLong(at + OFF_PREFETCH_TABLE_OFFSET),
        Bytes.u32(b, at + OFF_PREFETCH_TABLE_SIZE));
  }
}
