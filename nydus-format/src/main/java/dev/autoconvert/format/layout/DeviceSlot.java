package dev.autoconvert.format.layout;

import java.nio.ByteBuffer;

/**
 * One EROFS device table slot per data blob, from byte 1408 (NYDUS-FORMAT.md §1.4, erofs_fs.h
 * {@code struct erofs_deviceslot}).
 */
public record DeviceSlot(String tag, long blocks, long mappedBlkaddr) {

  /** devt_slotoff 11 x 128. */
  public static final int TABLE_OFFSET = Superblock.RAFS_V6_DEVT_SLOTOFF * 128;

  public static final int SIZE = 128;

  /** tag[64]: the blob id (64 hex chars); fscache mode uses it as the cookie name. */
  public static final int OFF_TAG = 0;

  public static final int TAG_SIZE = 64;

  /** blocks u32: uncompressed blob size / 4096, must be non-zero. */
  public static final int OFF_BLOCKS = 64;

  /** mapped_blkaddr u32: start of this blob in the flat address space (§6.3). */
  public static final int OFF_MAPPED_BLKADDR = 68;

  /** reserved[56]: zeros (48-bit extensions we never use). */
  public static final int OFF_RESERVED = 72;

  public byte[] encode() {
    ByteBuffer b = Bytes.buffer(SIZE);
    Bytes.putFixedAscii(b, OFF_TAG, TAG_SIZE, tag);
    b.putInt(OFF_BLOCKS, (int) blocks);
    b.putInt(OFF_MAPPED_BLKADDR, (int) mappedBlkaddr);
    return b.array();
  }

  public static DeviceSlot decode(ByteBuffer b, int at) {
    return new DeviceSlot(
        Bytes.fixedAscii(b, at + OFF_TAG, TAG_SIZE),
        Bytes.u32(b, at + OFF_BLOCKS),
        Bytes.u32(b, at + OFF_MAPPED_BLKADDR));
  }
}
