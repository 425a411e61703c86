package dev.autoconvert.format.read;

import dev.autoconvert.format.layout.DeviceSlot;
import dev.autoconvert.format.layout.ExtSuperblock;
import dev.autoconvert.format.layout.Superblock;
import dev.autoconvert.format.tree.BlobInfo;
import dev.autoconvert.format.tree.Entry;
import java.util.List;
import java.util.Map;

/**
 * A parsed RAFS v6 bootstrap.
 *
 * @param superblock the EROFS superblock
 * @param extSuperblock the nydus extended superblock
 * @param devices the EROFS device table, in blob order
 * @param blobs the nydus blob table
 * @param prefetchNids the prefetch table
 * @param entries every name in the tree, parents before children, root first
 * @param inodes per path: nid, i_ino and i_nlink
 */
public record Bootstrap(
    Superblock superblock,
    ExtSuperblock extSuperblock,
    List<DeviceSlot> devices,
    List<BlobInfo> blobs,
    List<Long> prefetchNids,
    List<Entry> entries,
    Map<String, InodeInfo> inodes) {

  public Bootstrap {
    devices = List.copyOf(devices);
    blobs = List.copyOf(blobs);
    prefetchNids = List.copyOf(prefetchNids);
    entries = List.copyOf(entries);
    inodes = Map.copyOf(inodes);
  }

  public long rootNid() {
    return superblock.rootNid();
  }

  public int chunkSize() {
    return (int) extSuperblock.chunkSize();
  }

  /** The entry at {@code path}, or an exception naming it. */
  public Entry entry(String path) {
    for (Entry e : entries) {
      if (e.path().equals(path)) {
        return e;
      }
    }
    throw new IllegalArgumentException("no entry " + path + " in bootstrap");
  }

  public InodeInfo inode(String path) {
    InodeInfo info = inodes.get(path);
    if (info == null) {
      throw new IllegalArgumentException("no entry " + path + " in bootstrap");
    }
    return info;
  }
}
