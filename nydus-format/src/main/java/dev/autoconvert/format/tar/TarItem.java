package dev.autoconvert.format.tar;

import java.io.InputStream;
import java.util.SortedMap;

/**
 * One filesystem object read from a layer tar, after GNU long-name and PAX records were applied.
 *
 * @param path absolute normalised path ("/" for the root, "/etc/motd")
 * @param kind object kind
 * @param mode permission and set-id/sticky bits (lower 12 bits)
 * @param uid owner
 * @param gid group
 * @param mtime seconds since the epoch
 * @param mtimeNanos sub-second part (PAX mtime only)
 * @param size data length for regular files, 0 otherwise
 * @param linkTarget symlink target as written, or for a hardlink the normalised absolute path of
 *     the first name of the regular file it links to; null otherwise
 * @param devMajor device major for char/block devices
 * @param devMinor device minor for char/block devices
 * @param xattrs extended attributes from {@code SCHILY.xattr.*} records, values as raw bytes
 * @param data the file data of a regular file (exactly {@code size} bytes), valid until the next
 *     call of {@link LayerReader#next()}; an empty stream for every other kind
 */
public record TarItem(
    String path,
    Kind kind,
    int mode,
    long uid,
    long gid,
    long mtime,
    int mtimeNanos,
    long size,
    String linkTarget,
    int devMajor,
    int devMinor,
    SortedMap<String, byte[]> xattrs,
    InputStream data) {

  /** Tar entry kinds that occur in container image layers. */
  public enum Kind {
    REGULAR,
    HARDLINK,
    SYMLINK,
    CHAR_DEVICE,
    BLOCK_DEVICE,
    FIFO,
    DIRECTORY
  }
}
