package dev.autoconvert.format.tree;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One filesystem object of a layer or of a merged image, as read from a tar entry or a bootstrap.
 *
 * @param path absolute, normalised path ("/", "/etc/motd"); never contains "." or ".." segments
 * @param type kind of object
 * @param mode permission and set-id/sticky bits only (lower 12 bits), without the file type
 * @param uid owner
 * @param gid group
 * @param mtime modification time, seconds since the epoch
 * @param mtimeNanos sub-second part of the modification time
 * @param size regular file length or symlink target length in bytes; 0 otherwise
 * @param linkTarget symlink target, null for other types
 * @param hardlinkTo for the second and later names of a hardlinked regular file: the absolute path
 *     of the first name in the same layer; null otherwise
 * @param rdevMajor device major number for character and block devices
 * @param rdevMinor device minor number for character and block devices
 * @param xattrs extended attributes by full name ("user.x", "security.capability")
 * @param chunks the file's data chunks in file order (regular files only, empty otherwise)
 */
public record Entry(
    String path,
    FileType type,
    int mode,
    long uid,
    long gid,
    long mtime,
    int mtimeNanos,
    long size,
    String linkTarget,
    String hardlinkTo,
    int rdevMajor,
    int rdevMinor,
    SortedMap<String, byte[]> xattrs,
    List<Chunk> chunks) {

  public Entry {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("entry path must be absolute: " + path);
    }
    xattrs =
        xattrs.isEmpty()
            ? Collections.emptySortedMap()
            : Collections.unmodifiableSortedMap(new TreeMap<>(xattrs));
    chunks = List.copyOf(chunks);
  }

  /** This entry with other chunks (moved to another blob, say). */
  public Entry withChunks(List<Chunk> newChunks) {
    return new Entry(
        path,
        type,
        mode,
        uid,
        gid,
        mtime,
        mtimeNanos,
        size,
        linkTarget,
        hardlinkTo,
        rdevMajor,
        rdevMinor,
        xattrs,
        newChunks);
  }

  /**
   * A directory no layer lists but a path needs (a missing parent, the root of an empty image):
   * 0755, owned by root, mtime 0, as nydus-image synthesises it.
   */
  public static Entry impliedDirectory(String path) {
    return new Entry(
        path,
        FileType.DIRECTORY,
        0755,
        0,
        0,
        0,
        0,
        0,
        null,
        null,
        0,
        0,
        new TreeMap<>(),
        List.of());
  }
}
