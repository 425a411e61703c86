package dev.autoconvert.format.layout;

import java.nio.ByteBuffer;

/**
 * One 8-byte chunk index of a chunk-based regular file (NYDUS-FORMAT.md §1.11, erofs_fs.h {@code
 * struct erofs_inode_chunk_index}), with nydus's overloading of EROFS's startblk_hi and device_id.
 *
 * @param blobIndex 0-based blob table position (device id minus one)
 * @param ciIndex the chunk's index in its blob's CI array, 24 bits
 * @param blkaddr uncompressed offset of the chunk in its blob / 4096
 */
public record ChunkIndex(int blobIndex, int ciIndex, long blkaddr) {

  public static final int SIZE = 8;

  /** startblk_hi u16: nydus stores ci index bits 0-15; EROFS ignores it without the 48-bit flag. */
  public static final int OFF_CI_LOW = 0;

  /**
   * device_id u16: low byte blob index + 1 (0 is the bootstrap itself), high byte ci index bits
   * 16-23 (the kernel masks the device id to the device count, so that byte is invisible to it).
   */
  public static final int OFF_DEVICE_ID = 2;

  /** startblk_lo u32: start block on that device. */
  public static final int OFF_BLKADDR = 4;

  /** Largest ci index nydus can encode. */
  public static final int MAX_CI_INDEX = (1 << 24) - 1;

  /** At most 254 blobs: the 1-based device id must fit in one byte. */
  public static final int MAX_BLOBS = 254;

  public byte[] encode() {
    ByteBuffer b = Bytes.buffer(SIZE);
    b.putShort(OFF_CI_LOW, (short) ciIndex);
    b.putShort(OFF_DEVICE_ID, (short) ((blobIndex + 1) | ((ciIndex >>> 16) & 0xff) << 8));
    b.putInt(OFF_BLKADDR, (int) blkaddr);
    return b.array();
  }

  public static ChunkIndex decode(ByteBuffer b, int at) {
    int deviceId = Bytes.u16(b, at + OFF_DEVICE_ID);
    return new ChunkIndex(
        (deviceId & 0xff) - 1,
        Bytes.u16(b, at + OFF_CI_LOW) | (deviceId >>> 8) << 16,
        Bytes.u32(b, at + OFF_BLKADDR));
  }
}
