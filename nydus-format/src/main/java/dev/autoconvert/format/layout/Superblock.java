package dev.autoconvert.format.layout;

import java.nio.ByteBuffer;

/**
 * The EROFS superblock at byte 1024 of a RAFS v6 bootstrap (NYDUS-FORMAT.md §1.2, erofs_fs.h {@code
 * struct erofs_super_block}). Fields not listed are written as zero.
 */
public record Superblock(
    long featureCompat,
    int blkszbits,
    int extslots,
    int rootNid,
    long inos,
    long blocks,
    long metaBlkaddr,
    long xattrBlkaddr,
    long featureIncompat,
    int u1,
    int extraDevices,
    int devtSlotoff) {

  /** Position of the superblock in the file: EROFS leaves the first 1 KiB for boot loaders. */
  public static final int OFFSET = 1024;

  public static final int SIZE = 128;

  /** magic u32: identifies EROFS; the kernel and nydusd check it first. */
  public static final int OFF_MAGIC = 0;

  /** checksum u32: nydus writes 0 and nydusd requires 0 (no CRC compat bit). */
  public static final int OFF_CHECKSUM = 4;

  /** feature_compat u32: carries the RAFS v6 marker bit nydusd looks for. */
  public static final int OFF_FEATURE_COMPAT = 8;

  /** blkszbits u8: log2 of the block size, 12 for RAFS v6. */
  public static final int OFF_BLKSZBITS = 12;

  /** sb_extslots u8: superblock extension slots, must be 0 for nydusd. */
  public static final int OFF_EXTSLOTS = 13;

  /** root_nid u16: nid of the root directory; nydus puts it at 128 to keep nid 0 unused. */
  public static final int OFF_ROOT_NID = 14;

  /** inos u64: number of inodes (names), must be non-zero. */
  public static final int OFF_INOS = 16;

  /** build_time u64: zero, nydus does not record it. */
  public static final int OFF_BUILD_TIME = 24;

  /** build_time_nsec u32: zero. */
  public static final int OFF_BUILD_TIME_NSEC = 32;

  /** blocks u32: total blocks of the data blobs (0 without blobs). */
  public static final int OFF_BLOCKS = 36;

  /** meta_blkaddr u32: block where inode addressing (nid * 32) starts. */
  public static final int OFF_META_BLKADDR = 40;

  /** xattr_blkaddr u32: shared xattr area; nydus has none, so 0. */
  public static final int OFF_XATTR_BLKADDR = 44;

  /** uuid[16]: zeros. */
  public static final int OFF_UUID = 48;

  /** volume_name[16]: zeros (the kernel needs a NUL inside). */
  public static final int OFF_VOLUME_NAME = 64;

  /** feature_incompat u32: CHUNKED_FILE | DEVICE_TABLE, exactly, or nydusd refuses. */
  public static final int OFF_FEATURE_INCOMPAT = 80;

  /** u1 u16: available compression algorithms; RAFS v6 never uses EROFS compression. */
  public static final int OFF_U1 = 84;

  /** extra_devices u16: number of device slots = number of data blobs. */
  public static final int OFF_EXTRA_DEVICES = 86;

  /** devt_slotoff u16: device table position in 128-byte slots (11 = byte 1408). */
  public static final int OFF_DEVT_SLOTOFF = 88;

  /** reserved[38]: newer kernels give some of these bytes meanings, so they stay zero. */
  public static final int OFF_RESERVED = 90;

  /** The EROFS magic number 0xE0F5E1E2. */
  public static final int MAGIC = 0xE0F5E1E2;

  /** feature_compat bit nydus sets on every RAFS v6 bootstrap. */
  public static final long COMPAT_RAFS_V6 = 0x40000000L;

  /** EROFS_FEATURE_INCOMPAT_CHUNKED_FILE: regular files are chunk based. */
  public static final long INCOMPAT_CHUNKED_FILE = 0x4;

  /** EROFS_FEATURE_INCOMPAT_DEVICE_TABLE: chunks live on extra devices (the blobs). */
  public static final long INCOMPAT_DEVICE_TABLE = 0x8;

  /** The only feature_incompat value nydusd accepts. */
  public static final long RAFS_V6_INCOMPAT = INCOMPAT_CHUNKED_FILE | INCOMPAT_DEVICE_TABLE;

  /** Slot number of the device table: 11 x 128 = 1408, right after the nydus extended sb. */
  public static final int RAFS_V6_DEVT_SLOTOFF = 11;

  public byte[] encode() {
    ByteBuffer b = Bytes.buffer(SIZE);
    b.putInt(OFF_MAGIC, MAGIC);
    b.putInt(OFF_CHECKSUM, 0);
    b.putInt(OFF_FEATURE_COMPAT, (int) featureCompat);
    b.put(OFF_BLKSZBITS, (byte) blkszbits);
    b.put(OFF_EXTSLOTS, (byte) extslots);
    b.putShort(OFF_ROOT_NID, (short) rootNid);
    b.putLong(OFF_INOS, inos);
    b.putInt(OFF_BLOCKS, (int) blocks);
    b.putInt(OFF_META_BLKADDR, (int) metaBlkaddr);
    b.putInt(OFF_XATTR_BLKADDR, (int) xattrBlkaddr);
    b.putInt(OFF_FEATURE_INCOMPAT, (int) featureIncompat);
    b.putShort(OFF_U1, (short) u1);
    b.putShort(OFF_EXTRA_DEVICES, (short) extraDevices);
    b.putShort(OFF_DEVT_SLOTOFF, (short) devtSlotoff);
    return b.array();
  }

  /** Decodes the fields; the caller checks the magic ({@link #magicAt}) first. */
  public static Superblock decode(ByteBuffer b, int at) {
    return new Superblock(
        Bytes.u32(b, at + OFF_FEATURE_COMPAT),
        Bytes.u8(b, at + OFF_BLKSZBITS),
        Bytes.u8(b, at + OFF_EXTSLOTS),
        Bytes.u16(b, at + OFF_ROOT_NID),
        b.getLong(at + OFF_INOS),
        Bytes.u32(b, at + OFF_BLOCKS),
        Bytes.u32(b, at + OFF_META_BLKADDR),
        Bytes.u32(b, at + OFF_XATTR_BLKADDR),
        Bytes.u32(b, at + OFF_FEATURE_INCOMPAT),
        Bytes.u16(b, at + OFF_U1),
        Bytes.u16(b, at + OFF_EXTRA_DEVICES),
        Bytes.u16(b, at + OFF_DEVT_SLOTOFF));
  }

  public static int magicAt(ByteBuffer b, int at) {
    return b.getInt(at + OFF_MAGIC);
  }

  public static long checksumAt(ByteBuffer b, int at) {
    return Bytes.u32(b, at + OFF_CHECKSUM);
  }
}
