package dev.autoconvert.cli.check;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tree under a directory (e.g. what {@code fsck.erofs --extract} wrote), as {@link FileNode}s.
 */
public final class DirectoryTree {
  /** {@code st_mode} file type bits (Linux {@code <sys/stat.h>}). */
  private static final int S_IFMT = 0170000;

  private static final int S_IFSOCK = 0140000;
  private static final int S_IFLNK = 0120000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFBLK = 0060000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFIFO = 0010000;

  private DirectoryTree() {}

  /** Every object under {@code root}, keyed by absolute path inside it; xattrs unknown (null). */
  public static TreeMap<String, FileNode> read(Path root) throws IOException {
    TreeMap<String, FileNode> nodes = new TreeMap<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            if (!dir.equals(root)) {
              nodes.put(name(root, dir), node(dir));
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            nodes.put(name(root, file), node(file));
            return FileVisitResult.CONTINUE;
          }
        });
    return nodes;
  }

  private static String name(Path root, Path p) {
    StringBuilder s = new StringBuilder();
    for (Path part : root.relativize(p)) {
      s.append('/').append(part);
    }
    return s.toString();
  }

  private static FileNode node(Path p) throws IOException {
    Map<String, Object> a =
        Files.readAttributes(p, "unix:mode,uid,gid,size,rdev,nlink", LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) a.get("mode");
    long uid = ((Number) a.get("uid")).longValue();
    long gid = ((Number) a.get("gid")).longValue();
    long size = ((Number) a.get("size")).longValue();
    long rdev = ((Number) a.get("rdev")).longValue();
    int nlink = ((Number) a.get("nlink")).intValue();
    int perms = mode & 07777;
    switch (mode & S_IFMT) {
      case S_IFREG -> {
        MessageDigest sha = OverlayTree.sha256();
        try (InputStream in = Files.newInputStream(p)) {
          byte[] buf = new byte[64 * 1024];
          for (int n; (n = in.read(buf)) > 0; ) {
            sha.update(buf, 0, n);
          }
        }
        return new FileNode(
            'f',
            perms,
            uid,
            gid,
            size,
            HexFormat.of().formatHex(sha.digest()),
            null,
            0,
            0,
            nlink,
            null);
      }
      case S_IFDIR -> {
        return new FileNode('d', perms, uid, gid, 0, null, null, 0, 0, 0, null);
      }
      case S_IFLNK -> {
        String target = Files.readSymbolicLink(p).toString();
        return new FileNode(
            'l',
            perms,
            uid,
            gid,
            target.getBytes(StandardCharsets.UTF_8).length,
            null,
            target,
            0,
            0,
            0,
            null);
      }
      case S_IFCHR, S_IFBLK -> {
        // Linux dev_t encoding (glibc gnu_dev_major / gnu_dev_minor)
        long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
        long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
        return new FileNode(
            (mode & S_IFMT) == S_IFCHR ? 'c' : 'b',
            perms,
            uid,
            gid,
            0,
            null,
            null,
            major,
            minor,
            0,
            null);
      }
      case S_IFIFO -> {
        return new FileNode('p', perms, uid, gid, 0, null, null, 0, 0, 0, null);
      }
      case S_IFSOCK -> {
        return new FileNode('s', perms, uid, gid, 0, null, null, 0, 0, 0, null);
      }
      default ->
          throw new IOException("unknown file type " + Integer.toOctalString(mode) + " of " + p);
    }
  }
}
