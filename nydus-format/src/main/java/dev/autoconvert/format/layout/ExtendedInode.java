package dev.autoconvert.format.layout;

import dev.autoconvert.format.tree.FileType;
import java.nio.ByteBuffer;

/**
 * The 64-byte extended EROFS inode, the only kind nydus writes for tar conversion and merge
 * (NYDUS-FORMAT.md §1.8, erofs_fs.h {@code struct erofs_inode_extended}). Inline xattrs and then
 * the layout's trailing data (inline tail or chunk indexes) follow it directly.
 */
public record ExtendedInode(
    int format,
    int xattrIcount,
    int mode,
    long size,
    long iu,
    long ino,
    long uid,
    long gid,
    long mtime,
    long mtimeNsec,
    long nlink) {

  public static final int SIZE = 64;

  /** i_format u16: bit 0 version (1 = extended), bits 1-3 data layout. */
  public static final int OFF_FORMAT = 0;

  /** i_xattr_icount u16: inline xattr size in 4-byte units past the 12-byte header, 0 if none. */
  public static final int OFF_XATTR_ICOUNT = 2;

  /** i_mode u16: the full st_mode including the file type bits. */
  public static final int OFF_MODE = 4;

  /** i_nb u16: reserved (newer EROFS uses it for compact 48-bit layouts), zero. */
  public static final int OFF_RESERVED_NB = 6;

  /** i_size u64: file length, dirent bytes for directories, target length for symlinks. */
  public static final int OFF_SIZE = 8;

  /** i_u u32: start block (flat layouts), chunk format word (chunk based) or rdev (devices). */
  public static final int OFF_IU = 16;

  /** i_ino u32: sequential inode number; the kernel uses the nid instead. */
  public static final int OFF_INO = 20;

  /** i_uid u32. */
  public static final int OFF_UID = 24;

  /** i_gid u32. */
  public static final int OFF_GID = 28;

  /** i_mtime u64: seconds. */
  public static final int OFF_MTIME = 32;

  /** i_mtime_nsec u32. */
  public static final int OFF_MTIME_NSEC = 40;

  /** i_nlink u32: names of a file, 2 + subdirectories for a directory. */
  public static final int OFF_NLINK = 44;

  /** i_reserved2[16]: zeros. */
  public static final int OFF_RESERVED = 48;

  /** Bit 0 of i_format: extended (64-byte) inode. */
  public static final int VERSION_EXTENDED = 1;

  /** EROFS_INODE_FLAT_PLAIN: data in whole blocks starting at block i_u. */
  public static final int LAYOUT_FLAT_PLAIN = 0;

  /** EROFS_INODE_FLAT_INLINE: whole blocks at i_u, the partial last block right after the inode. */
  public static final int LAYOUT_FLAT_INLINE = 2;

  /** EROFS_INODE_CHUNK_BASED: an 8-byte chunk index per chunk follows the inode. */
  public static final int LAYOUT_CHUNK_BASED = 4;

  public static final int S_IFMT = 0170000;
  public static final int S_IFSOCK = 0140000;
  public static final int S_IFLNK = 0120000;
  public static final int S_IFREG = 0100000;
  public static final int S_IFBLK = 0060000;
  public static final int S_IFDIR = 0040000;
  public static final int S_IFCHR = 0020000;
  public static final int S_IFIFO = 0010000;

  /** Chunk format word flag EROFS_CHUNK_FORMAT_INDEXES: 8-byte indexes with a device id. */
  public static final int CHUNK_FORMAT_INDEXES = 0x20;

  /** Low bits of the chunk format word: chunk bits minus the block bits. */
  public static final int CHUNK_FORMAT_BLKBITS_MASK = 0x1f;

  /** EROFS_CHUNK_FORMAT_48BIT: never set by nydus (its indexes overload startblk_hi). */
  public static final int CHUNK_FORMAT_48BIT = 0x40;

  /** The S_IF* bits of a tree entry type. */
  public static int typeBits(FileType type) {
    return switch (type) {
      case REGULAR -> S_IFREG;
      case DIRECTORY -> S_IFDIR;
      case SYMLINK -> S_IFLNK;
      case CHAR_DEVICE -> S_IFCHR;
      case BLOCK_DEVICE -> S_IFBLK;
      case FIFO -> S_IFIFO;
      case SOCKET -> S_IFSOCK;
    };
  }

  public static int format(int layout) {
    return VERSION_EXTENDED | layout << 1;
  }

  public static int layoutOf(int format) {
    return (format >> 1) & 0x7;
  }

  public byte[] encode() {
    ByteBuffer b = Bytes.buffer(SIZE);
    b.putShort(OFF_FORMAT, (short) format);
    b.putShort(OFF_XATTR_ICOUNT, (short) xattrIcount);
    b.putShort(OFF_MODE, (short) mode);
    b.putLong(OFF_SIZE, size);
    b.putInt(OFF_IU, (int) iu);
    b.putInt(OFF_INO, (int) ino);
    b.putInt(OFF_UID, (int) uid);
    b.putInt(OFF_GID, (int) gid);
    b.putLong(OFF_MTIME, mtime);
    b.putInt(OFF_MTIME_NSEC, (int) mtimeNsec);
    b.putInt(OFF_NLINK, (int) nlink);
    return b.array();
  }

  public static ExtendedInode decode(ByteBuffer b, int at) {
    return new ExtendedInode(
        Bytes.u16(b, at + OFF_FORMAT),
        Bytes.u16(b, at + OFF_XATTR_ICOUNT),
        Bytes.u16(b, at + OFF_MODE),
        b.getLong(at + OFF_SIZE),
        Bytes.u32(b, at + OFF_IU),
        Bytes.u32(b, at + OFF_INO),
        Bytes.u32(b, at + OFF_UID),
        Bytes.u32(b, at + OFF_GID),
        b.getLong(at + OFF_MTIME),
        Bytes.u32(b, at + OFF_MTIME_NSEC),
        Bytes.u32(b, at + OFF_NLINK));
  }
}
