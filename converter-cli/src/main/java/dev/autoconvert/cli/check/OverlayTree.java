package dev.autoconvert.cli.check;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The filesystem a stack of OCI layers gives, computed independently of the converter: each layer
 * tar read with commons-compress and applied over the lower ones by the OCI whiteout rules ({@code
 * .wh.NAME} deletes, {@code .wh..wh..opq} hides what lower layers put in its directory).
 */
public final class OverlayTree {
  private static final String WHITEOUT = ".wh.";
  private static final String OPAQUE = ".wh..wh..opq";
  private static final String XATTR_PAX = "SCHILY.xattr.";

  private final TreeMap<String, FileNode> nodes = new TreeMap<>();

  /** Hardlinked names share an inode id; nlink is counted from these at the end. */
  private final Map<String, Integer> inodeOf = new HashMap<>();

  private int nextInode;

  /** Applies one layer (tar, tar+gzip or tar+zstd, told apart by magic) on top. */
  public void apply(InputStream layer, String name) throws IOException {
    Set<String> addedHere = new HashSet<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(decompressed(layer))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        String path = normalise(e.getName());
        if (path.equals("/")) {
          continue;
        }
        String parent = parent(path);
        String base = path.substring(parent.length() == 1 ? 1 : parent.length() + 1);
        if (base.equals(OPAQUE)) {
          String prefix = parent.equals("/") ? "/" : parent + "/";
          nodes
              .subMap(prefix, prefix + Character.MAX_VALUE)
              .keySet()
              .removeIf(p -> !addedHere.contains(p));
          continue;
        }
        if (base.startsWith(WHITEOUT)) {
          removeTree(child(parent, base.substring(WHITEOUT.length())));
          continue;
        }
        ensureParents(parent, addedHere);
        FileNode node;
        if (e.isLink()) {
          String target = normalise(e.getLinkName());
          FileNode linked = nodes.get(target);
          if (linked == null || linked.type() != 'f') {
            throw new IOException(
                "layer " + name + ": hardlink " + path + " to missing or non-regular " + target);
          }
          removeTree(path);
          nodes.put(path, linked);
          inodeOf.put(path, inodeOf.get(target));
          addedHere.add(path);
          continue;
        }
        node = node(e, tar);
        FileNode existing = nodes.get(path);
        if (existing != null && !(existing.type() == 'd' && node.type() == 'd')) {
          removeTree(path);
        }
        nodes.put(path, node);
        inodeOf.put(path, nextInode++);
        addedHere.add(path);
      }
    }
  }

  /** The merged tree, root excluded, with nlink filled in for regular files. */
  public TreeMap<String, FileNode> nodes() {
    Map<Integer, Integer> names = new HashMap<>();
    nodes.keySet().forEach(p -> names.merge(inodeOf.get(p), 1, Integer::sum));
    TreeMap<String, FileNode> result = new TreeMap<>();
    nodes.forEach(
        (p, n) -> result.put(p, n.type() == 'f' ? n.withNlink(names.get(inodeOf.get(p))) : n));
    return result;
  }

  private FileNode node(TarArchiveEntry e, InputStream content) throws IOException {
    Map<String, String> xattrs = new TreeMap<>();
    e.getExtraPaxHeaders()
        .forEach(
            (k, v) -> {
              if (k.startsWith(XATTR_PAX)) {
                xattrs.put(
                    k.substring(XATTR_PAX.length()),
                    HexFormat.of().formatHex(v.getBytes(StandardCharsets.UTF_8)));
              }
            });
    int mode = e.getMode() & 07777;
    if (e.isDirectory()) {
      return new FileNode(
          'd', mode, e.getLongUserId(), e.getLongGroupId(), 0, null, null, 0, 0, 0, xattrs);
    }
    if (e.isSymbolicLink()) {
      String target = e.getLinkName();
      return new FileNode(
          'l',
          mode,
          e.getLongUserId(),
          e.getLongGroupId(),
          target.getBytes(StandardCharsets.UTF_8).length,
          null,
          target,
          0,
          0,
          0,
          xattrs);
    }
    if (e.isCharacterDevice() || e.isBlockDevice()) {
      return new FileNode(
          e.isCharacterDevice() ? 'c' : 'b',
          mode,
          e.getLongUserId(),
          e.getLongGroupId(),
          0,
          null,
          null,
          e.getDevMajor(),
          e.getDevMinor(),
          0,
          xattrs);
    }
    if (e.isFIFO()) {
      return new FileNode(
          'p', mode, e.getLongUserId(), e.getLongGroupId(), 0, null, null, 0, 0, 0, xattrs);
    }
    MessageDigest sha = sha256();
    byte[] buf = new byte[64 * 1024];
    long size = 0;
    for (int n; (n = content.read(buf)) > 0; ) {
      sha.update(buf, 0, n);
      size += n;
    }
    return new FileNode(
        'f',
        mode,
        e.getLongUserId(),
        e.getLongGroupId(),
        size,
        HexFormat.of().formatHex(sha.digest()),
        null,
        0,
        0,
        1,
        xattrs);
  }

  private void ensureParents(String dir, Set<String> addedHere) {
    if (dir.equals("/") || nodes.containsKey(dir) && nodes.get(dir).type() == 'd') {
      return;
    }
    ensureParents(parent(dir), addedHere);
    removeTree(dir);
    // what nydus-image does for a directory a layer only implies
    nodes.put(dir, new FileNode('d', 0755, 0, 0, 0, null, null, 0, 0, 0, Map.of()));
    inodeOf.put(dir, nextInode++);
    addedHere.add(dir);
  }

  private void removeTree(String path) {
    nodes.remove(path);
    inodeOf.remove(path);
    String prefix = path + "/";
    nodes.subMap(prefix, prefix + Character.MAX_VALUE).clear();
    inodeOf.keySet().removeIf(p -> p.startsWith(prefix));
  }

  static String normalise(String name) {
    String n = name;
    while (n.startsWith("./")) {
      n = n.substring(2);
    }
    while (n.startsWith("/")) {
      n = n.substring(1);
    }
    while (n.endsWith("/")) {
      n = n.substring(0, n.length() - 1);
    }
    return n.isEmpty() || n.equals(".") ? "/" : "/" + n;
  }

  private static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  private static String child(String dir, String name) {
    return dir.equals("/") ? "/" + name : dir + "/" + name;
  }

  private static InputStream decompressed(InputStream layer) throws IOException {
    BufferedInputStream in = new BufferedInputStream(layer, 64 * 1024);
    in.mark(4);
    byte[] magic = in.readNBytes(4);
    in.reset();
    if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
      return new GZIPInputStream(in, 64 * 1024);
    }
    if (magic.length == 4
        && (magic[0] & 0xff) == 0x28
        && (magic[1] & 0xff) == 0xb5
        && (magic[2] & 0xff) == 0x2f
        && (magic[3] & 0xff) == 0xfd) {
      return new ZstdInputStream(in);
    }
    return in;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
