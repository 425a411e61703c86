package dev.autoconvert.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Generates layer tars with realistic content: three quarters text-like (compresses about 3:1 with
 * zstd, like /usr/share and scripts), one quarter random (like compressed or stripped binaries).
 * Every 4 KiB of a file starts with a unique stamp, so no two chunks deduplicate by accident.
 */
final class SyntheticLayer {
  private static final int POOL = 8 << 20;
  private static final String[] WORDS = {
    "the",
    "package",
    "config",
    "lib",
    "usr",
    "share",
    "error",
    "value",
    "return",
    "static",
    "function",
    "debian",
    "install",
    "locale",
    "version",
    "string",
    "buffer",
    "kernel",
    "system",
    "service",
    "default",
    "option",
    "license",
    "copyright",
    "include",
    "define",
    "struct",
    "int",
    "char",
    "void",
    "const",
    "while",
    "for",
    "if",
    "else",
    "path",
    "file",
    "directory"
  };

  private final byte[] pool = new byte[POOL];
  private final Random random;
  private long stamp;

  SyntheticLayer(long seed) {
    random = new Random(seed);
    int pos = 0;
    while (pos < POOL) {
      if (random.nextInt(4) == 0) {
        int n = Math.min(POOL - pos, 4096 + random.nextInt(60000));
        for (int i = 0; i < n; i++) {
          pool[pos + i] = (byte) random.nextInt();
        }
        pos += n;
      } else {
        int end = Math.min(POOL, pos + 4096 + random.nextInt(60000));
        while (pos < end) {
          byte[] w =
              (WORDS[random.nextInt(WORDS.length)] + (random.nextInt(9) == 0 ? "\n" : " "))
                  .getBytes(StandardCharsets.US_ASCII);
          int n = Math.min(w.length, end - pos);
          System.arraycopy(w, 0, pool, pos, n);
          pos += n;
        }
      }
    }
  }

  /**
   * A tree of {@code files} small files (100 B to 64 KiB) in 200 directories plus 10 large ones.
   */
  void writeSmallFilesTree(OutputStream out, int files) throws IOException {
    try (TarArchiveOutputStream tar = open(out)) {
      for (int d = 0; d < 200; d++) {
        directory(tar, "usr/share/gen/d" + d + "/");
      }
      for (int i = 0; i < files; i++) {
        int size = (int) Math.min(65536, 100 * Math.exp(random.nextDouble() * Math.log(655)));
        file(tar, "usr/share/gen/d" + (i % 200) + "/file-" + i, size);
      }
      for (int i = 0; i < 10; i++) {
        file(tar, "opt/big/blob-" + i, (1 << 20) + random.nextInt(6 << 20));
      }
    }
  }

  /** Large files until about {@code bytes} of file data: the flat-memory check's layer. */
  void writeLargeLayer(OutputStream out, long bytes) throws IOException {
    try (TarArchiveOutputStream tar = open(out)) {
      long written = 0;
      for (int i = 0; written < bytes; i++) {
        long size = Math.min(bytes - written, 64L << 20);
        file(tar, "data/part-" + i, size);
        written += size;
      }
    }
  }

  private static TarArchiveOutputStream open(OutputStream out) {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out, "UTF-8");
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    return tar;
  }

  private static void directory(TarArchiveOutputStream tar, String name) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setMode(040755);
    tar.putArchiveEntry(e);
    tar.closeArchiveEntry();
  }

  private void file(TarArchiveOutputStream tar, String name, long size) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setMode(0100644);
    e.setSize(size);
    tar.putArchiveEntry(e);
    byte[] block = new byte[4096];
    for (long done = 0; done < size; ) {
      int n = (int) Math.min(block.length, size - done);
      System.arraycopy(pool, random.nextInt(POOL - n), block, 0, n);
      long s = stamp++;
      for (int i = 0; i < Math.min(8, n); i++) {
        block[i] = (byte) (s >>> (8 * i));
      }
      tar.write(block, 0, n);
      done += n;
    }
    tar.closeArchiveEntry();
  }
}
