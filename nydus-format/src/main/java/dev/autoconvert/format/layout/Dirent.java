package dev.autoconvert.format.layout;

import dev.autoconvert.format.tree.FileType;
import java.nio.ByteBuffer;

/**
 * One 12-byte directory entry (NYDUS-FORMAT.md §1.10, erofs_fs.h {@code struct erofs_dirent}).
 * Names are stored after all dirents of their block, without NUL terminators.
 */
public record Dirent(long nid, int nameoff, int fileType) {

  public static final int SIZE = 12;

  /** nid u64: inode of the entry. */
  public static final int OFF_NID = 0;

  /** nameoff u16: start of the name relative to the directory block. */
  public static final int OFF_NAMEOFF = 8;

  /** file_type u8: EROFS_FT_*. */
  public static final int OFF_FILE_TYPE = 10;

  /** reserved u8: zero. */
  public static final int OFF_RESERVED = 11;

  public static final int FT_UNKNOWN = 0;
  public static final int FT_REG_FILE = 1;
  public static final int FT_DIR = 2;
  public static final int FT_CHRDEV = 3;
  public static final int FT_BLKDEV = 4;
  public static final int FT_FIFO = 5;
  public static final int FT_SOCK = 6;
  public static final int FT_SYMLINK = 7;

  /** Kernel limit on a name's length. */
  public static final int MAX_NAME_LENGTH = 255;

  /** EROFS file type of a tree entry type. */
  public static int fileType(FileType type) {
    return switch (type) {
      case REGULAR -> FT_REG_FILE;
      case DIRECTORY -> FT_DIR;
      case SYMLINK -> FT_SYMLINK;
      case CHAR_DEVICE -> FT_CHRDEV;
      case BLOCK_DEVICE -> FT_BLKDEV;
      case FIFO -> FT_FIFO;
      case SOCKET -> FT_SOCK;
    };
  }

  public byte[] encode() {
    ByteBuffer b = Bytes.buffer(SIZE);
    b.putLong(OFF_NID, nid);
    b.putShort(OFF_NAMEOFF, (short) nameoff);
    b.put(OFF_FILE_TYPE, (byte) fileType);
    return b.array();
  }

  public static Dirent decode(ByteBuffer b, int at) {
    return new Dirent(
        b.getLong(at + OFF_NID), Bytes.u16(b, at + OFF_NAMEOFF), Bytes.u8(b, at + OFF_FILE_TYPE));
  }
}
