package dev.autoconvert.format.layout;

import java.nio.ByteBuffer;

/**
 * The 32-byte compact EROFS inode (NYDUS-FORMAT.md §1.8, erofs_fs.h {@code struct
 * erofs_inode_compact}). We never write it; nydus's directory-based builds did, so the reader
 * accepts it.
 */
public record CompactInode(
    int format,
    int xattrIcount,
    int mode,
    int nlink,
    long size,
    long mtime,
    long iu,
    long ino,
    int uid,
    int gid) {

  public static final int SIZE = 32;

  /** i_format u16: bit 0 is 0 for compact. */
  public static final int OFF_FORMAT = 0;

  /** i_xattr_icount u16. */
  public static final int OFF_XATTR_ICOUNT = 2;

  /** i_mode u16. */
  public static final int OFF_MODE = 4;

  /** i_nlink u16. */
  public static final int OFF_NLINK = 6;

  /** i_size u32. */
  public static final int OFF_SIZE = 8;

  /** i_mtime u32: relative to the superblock build time, which nydus leaves 0. */
  public static final int OFF_MTIME = 12;

  /** i_u u32: as in the extended inode. */
  public static final int OFF_IU = 16;

  /** i_ino u32. */
  public static final int OFF_INO = 20;

  /** i_uid u16. */
  public static final int OFF_UID = 24;

  /** i_gid u16. */
  public static final int OFF_GID = 26;

  /** i_reserved2 u32. */
  public static final int OFF_RESERVED = 28;

  public byte[] encode() {
    ByteBuffer b = Bytes.buffer(SIZE);
    b.putShort(OFF_FORMAT, (short) format);
    b.putShort(OFF_XATTR_ICOUNT, (short) xattrIcount);
    b.putShort(OFF_MODE, (short) mode);
    b.putShort(OFF_NLINK, (short) nlink);
    b.putInt(OFF_SIZE, (int) size);
    b.putInt(OFF_MTIME, (int) mtime);
    b.putInt(OFF_IU, (int) iu);
    b.putInt(OFF_INO, (int) ino);
    b.putShort(OFF_UID, (short) uid);
    b.putShort(OFF_GID, (short) gid);
    return b.array();
  }

  public static CompactInode decode(ByteBuffer b, int at) {
    return new CompactInode(
        Bytes.u16(b, at + OFF_FORMAT),
        Bytes.u16(b, at + OFF_XATTR_ICOUNT),
        Bytes.u16(b, at + OFF_MODE),
        Bytes.u16(b, at + OFF_NLINK),
        Bytes.u32(b, at + OFF_SIZE),
        Bytes.u32(b, at + OFF_MTIME),
        Bytes.u32(b, at + OFF_IU),
        Bytes.u32(b, at + OFF_INO),
        Bytes.u16(b, at + OFF_UID),
        Bytes.u16(b, at + OFF_GID));
  }

  /** The same inode in extended form, so readers handle one shape. */
  public ExtendedInode toExtended() {
    return new ExtendedInode(format, xattrIcount, mode, size, iu, ino, uid, gid, mtime, 0, nlink);
  }
}
