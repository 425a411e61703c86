package dev.autoconvert.cli.check;

import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code check} compares of one filesystem object: the attributes {@code nydusify check}
 * compares, plus device numbers and the hardlink count (mtime is not compared, as there).
 *
 * @param type {@code f} file, {@code d} directory, {@code l} symlink, {@code c}/{@code b} device,
 *     {@code p} FIFO, {@code s} socket
 * @param mode permission and set-id/sticky bits
 * @param uid owner
 * @param gid group
 * @param size file size (symlinks: target length; others 0)
 * @param sha256 content hash of regular files, else null
 * @param linkTarget symlink target, else null
 * @param rdevMajor device major
 * @param rdevMinor device minor
 * @param nlink names of the same inode (regular files), else 0
 * @param xattrs extended attributes, values as hex; null when the side cannot tell
 */
public record FileNode(
    char type,
    int mode,
    long uid,
    long gid,
    long size,
    String sha256,
    String linkTarget,
    long rdevMajor,
    long rdevMinor,
    int nlink,
    Map<String, String> xattrs) {

  public FileNode {
    xattrs = xattrs == null ? null : new TreeMap<>(xattrs);
  }

  FileNode withNlink(int n) {
    return new FileNode(
        type, mode, uid, gid, size, sha256, linkTarget, rdevMajor, rdevMinor, n, xattrs);
  }

  /**
   * This node with what an extraction cannot show taken from the bootstrap: set-id and sticky bits
   * (a chown after extraction clears them), the link count of regular files (extracted hardlinks
   * are copies) and xattrs.
   */
  public FileNode withBootstrapFacts(int specialModeBits, long links, Map<String, String> x) {
    return new FileNode(
        type,
        (mode & 0777) | (specialModeBits & 07000),
        uid,
        gid,
        size,
        sha256,
        linkTarget,
        rdevMajor,
        rdevMinor,
        type == 'f' ? (int) links : nlink,
        x);
  }

  /** The attributes that differ from {@code other}, described; empty when equal. */
  String differences(FileNode other) {
    StringBuilder d = new StringBuilder();
    diff(d, "type", type, other.type);
    diff(d, "mode", Integer.toOctalString(mode), Integer.toOctalString(other.mode));
    diff(d, "uid", uid, other.uid);
    diff(d, "gid", gid, other.gid);
    if (type == 'f' || type == 'l') {
      diff(d, "size", size, other.size);
    }
    diff(d, "sha256", sha256, other.sha256);
    diff(d, "link", linkTarget, other.linkTarget);
    diff(d, "rdev", rdevMajor + ":" + rdevMinor, other.rdevMajor + ":" + other.rdevMinor);
    diff(d, "nlink", nlink, other.nlink);
    if (xattrs != null && other.xattrs != null) {
      diff(d, "xattrs", xattrs, other.xattrs);
    }
    return d.toString();
  }

  private static void diff(StringBuilder d, String name, Object a, Object b) {
    if (a == null ? b != null : !a.equals(b)) {
      d.append(d.length() == 0 ? "" : ", ")
          .append(name)
          .append(' ')
          .append(a)
          .append(" != ")
          .append(b);
    }
  }
}
