package dev.autoconvert.format.layout;

import java.nio.ByteBuffer;

/**
 * The 12-byte header of an inode's inline xattr area (NYDUS-FORMAT.md §1.13, erofs_fs.h {@code
 * struct erofs_xattr_ibody_header}). nydus never uses shared xattrs or the name filter, so the
 * header is all zero; {@link XattrEntry} records follow it.
 */
public record XattrHeader(long nameFilter, int sharedCount) {

  public static final int SIZE = 12;

  /** h_name_filter u32: only meaningful with the xattr filter compat bit, which is never set. */
  public static final int OFF_NAME_FILTER = 0;

  /** h_shared_count u8: shared xattr ids following the header; 0 (xattr_blkaddr is 0). */
  public static final int OFF_SHARED_COUNT = 4;

  /** h_reserved2[7]: zeros. */
  public static final int OFF_RESERVED = 5;

  /** i_xattr_icount for an inline area of {@code bytes} bytes (header included). */
  public static int icount(int bytes) {
    return bytes == 0 ? 0 : (bytes - SIZE) / 4 + 1;
  }

  /** Size of the inline xattr area for an inode's i_xattr_icount. */
  public static int areaSize(int icount) {
    return icount == 0 ? 0 : SIZE + (icount - 1) * 4;
  }

  public byte[] encode() {
    ByteBuffer b = Bytes.buffer(SIZE);
    b.putInt(OFF_NAME_FILTER, (int) nameFilter);
    b.put(OFF_SHARED_COUNT, (byte) sharedCount);
    return b.array();
  }

  public static XattrHeader decode(ByteBuffer b, int at) {
    return new XattrHeader(Bytes.u32(b, at + OFF_NAME_FILTER), Bytes.u8(b, at + OFF_SHARED_COUNT));
  }
}
