package dev.autoconvert.format.read;

import dev.autoconvert.format.Digester;
import dev.autoconvert.format.FormatException;
import dev.autoconvert.format.blob.ChunkDigests;
import dev.autoconvert.format.tree.Chunk;
import dev.autoconvert.format.tree.Entry;
import dev.autoconvert.format.tree.FileType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads regular file contents the way the kernel does with block devices: each chunk's bytes at its
 * uncompressed offset in the uncompressed "blob cache" of its blob (NYDUS-FORMAT.md §3.9).
 */
public final class CachedContent implements AutoCloseable {

  private final List<FileChannel> caches = new ArrayList<>();
  private final List<Path> paths;
  private final Digester verifyWith;

  /** {@code blobCaches} in blob-table order; chunk digests are not checked. */
  public CachedContent(List<Path> blobCaches) throws IOException {
    this(blobCaches, null);
  }

  /**
   * {@code blobCaches} in blob-table order; every chunk read is checked against its recorded digest
   * with {@code verifyWith} (the bootstrap's digester) and against its CRC-32C where one is
   * recorded, unless {@code verifyWith} is null.
   */
  public CachedContent(List<Path> blobCaches, Digester verifyWith) throws IOException {
    this.paths = List.copyOf(blobCaches);
    this.verifyWith = verifyWith;
    try {
      for (Path p : paths) {
        caches.add(FileChannel.open(p, StandardOpenOption.READ));
      }
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  /** Writes the content of a regular file to {@code out}. */
  public void copy(Entry entry, OutputStream out) throws IOException {
    if (entry.type() != FileType.REGULAR) {
      throw new IllegalArgumentException(entry.path() + " is a " + entry.type() + ", not a file");
    }
    long written = 0;
    for (Chunk c : entry.chunks()) {
      byte[] chunk = chunk(c, entry.path());
      out.write(chunk);
      written += chunk.length;
    }
    if (written != entry.size()) {
      throw new FormatException(
          entry.path() + ": chunks hold " + written + " bytes, the inode says " + entry.size());
    }
  }

  /**
   * Reads one chunk and checks it against its digest and CRC-32C, whatever this reader verifies
   * otherwise; {@code owner} (a file using the chunk) names it in errors.
   */
  public void verify(Chunk c, Digester digester, String owner) throws IOException {
    check(c, chunk(c, owner), digester, owner);
  }

  /** The chunk's bytes from its blob cache, checked when this reader verifies. */
  private byte[] chunk(Chunk c, String owner) throws IOException {
    if (c.blobIndex() >= caches.size()) {
      throw new IllegalArgumentException(
          owner + ": chunk in blob " + c.blobIndex() + ", only " + caches.size() + " caches");
    }
    ByteBuffer chunk = ByteBuffer.allocate(c.uncompressedSize());
    FileChannel cache = caches.get(c.blobIndex());
    while (chunk.hasRemaining()) {
      int n = cache.read(chunk, c.uncompressedOffset() + chunk.position());
      if (n < 0) {
        throw FormatException.at(
            paths.get(c.blobIndex()).toString(),
            c.uncompressedOffset() + chunk.position(),
            "chunk data of " + owner,
            c.uncompressedSize() + " bytes",
            "end of file");
      }
    }
    if (verifyWith != null) {
      check(c, chunk.array(), verifyWith, owner);
    }
    return chunk.array();
  }

  private void check(Chunk c, byte[] data, Digester digester, String owner) throws FormatException {
    if (!Arrays.equals(c.digest(), ChunkDigests.digest(digester, data, 0, data.length))) {
      throw FormatException.at(
          paths.get(c.blobIndex()).toString(),
          c.uncompressedOffset(),
          "chunk " + c.index() + " of " + owner,
          digester.cliName() + " " + HexFormat.of().formatHex(c.digest()),
          "data with another digest");
    }
    if (c.hasCrc32() && crc32c(data) != c.crc32()) {
      throw FormatException.at(
          paths.get(c.blobIndex()).toString(),
          c.uncompressedOffset(),
          "chunk " + c.index() + " of " + owner,
          "CRC-32C %08x".formatted(c.crc32()),
          "data with CRC-32C %08x".formatted(crc32c(data)));
    }
  }

  private static long crc32c(byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(data);
    return crc.getValue();
  }

  public byte[] read(Entry entry) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    copy(entry, out);
    return out.toByteArray();
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (FileChannel c : caches) {
      try {
        c.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
