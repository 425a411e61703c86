package dev.autoconvert.format.testing;

import dev.autoconvert.format.Compressor;
import dev.autoconvert.format.Digester;
import dev.autoconvert.format.layout.BlobTableEntry;
import dev.autoconvert.format.tree.BlobInfo;
import dev.autoconvert.format.tree.Chunk;
import dev.autoconvert.format.tree.Entry;
import dev.autoconvert.format.tree.FileType;
import dev.autoconvert.format.tree.LayerTree;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Builds trees with real file data without a blob writer: each file's chunks go, uncompressed, to 4
 * KiB-aligned offsets of a synthetic "blob cache" per blob (NYDUS-FORMAT.md §3.9), which is what
 * the kernel and erofs-utils read as the extra devices. Chunk digests are sha256 of the chunk.
 */
public final class SyntheticImage {

  private final int chunkSize;
  private final List<ByteArrayOutputStream> caches = new ArrayList<>();
  private final List<Integer> chunkCounts = new ArrayList<>();
  private final List<Entry> entries = new ArrayList<>();
  private final Map<String, byte[]> contentByChunks = new HashMap<>();

  private final String idSalt;

  public SyntheticImage(int chunkSize, int blobCount) {
    this(chunkSize, blobCount, "");
  }

  /** {@code idSalt} goes into the blob ids, so that images with equal data get distinct ids. */
  public SyntheticImage(int chunkSize, int blobCount, String idSalt) {
    this.chunkSize = chunkSize;
    this.idSalt = idSalt;
    for (int i = 0; i < blobCount; i++) {
      caches.add(new ByteArrayOutputStream());
      chunkCounts.add(0);
    }
  }

  public int chunkSize() {
    return chunkSize;
  }

  /** Adds an entry; a regular file's content is chunked into blob {@code blob}. */
  public SyntheticImage add(EntryBuilder b) {
    if (b.type == FileType.REGULAR && b.hardlinkTo == null) {
      byte[] content = b.content == null ? new byte[0] : b.content;
      b.size = content.length;
      b.chunks = chunk(b.blob, content);
      contentByChunks.put(chunkKey(b.chunks), content);
    }
    entries.add(b.build());
    return this;
  }

  private List<Chunk> chunk(int blob, byte[] content) {
    List<Chunk> chunks = new ArrayList<>();
    for (int off = 0; off < content.length; off += chunkSize) {
      ByteArrayOutputStream cache = caches.get(blob);
      byte[] piece = Arrays.copyOfRange(content, off, Math.min(content.length, off + chunkSize));
      long at = cache.size();
      cache.writeBytes(piece);
      cache.writeBytes(new byte[(4096 - piece.length % 4096) % 4096]);
      int index = chunkCounts.get(blob);
      chunkCounts.set(blob, index + 1);
      CRC32C crc = new CRC32C();
      crc.update(piece);
      chunks.add(
          new Chunk(
              blob, index, at, piece.length, at, piece.length, off, sha256(piece), crc.getValue()));
    }
    return chunks;
  }

  public List<Entry> entries() {
    return List.copyOf(entries);
  }

  /** Content of a regular file entry, found by its chunks (so it works after a merge too). */
  public byte[] content(Entry e) {
    return contentOf(List.of(this)).apply(e);
  }

  /** Content lookup across several images, e.g. the layers of a merged image. */
  public static java.util.function.Function<Entry, byte[]> contentOf(List<SyntheticImage> images) {
    return e -> {
      if (e.chunks().isEmpty()) {
        return new byte[0];
      }
      for (SyntheticImage img : images) {
        byte[] c = img.contentByChunks.get(chunkKey(e.chunks()));
        if (c != null) {
          return c;
        }
      }
      throw new IllegalArgumentException("no content known for the chunks of " + e.path());
    };
  }

  private static String chunkKey(List<Chunk> chunks) {
    StringBuilder key = new StringBuilder();
    for (Chunk c : chunks) {
      key.append(HexFormat.of().formatHex(c.digest())).append(c.uncompressedSize()).append(';');
    }
    return key.toString();
  }

  /** Blob table in blob order; ids are sha256 of the cache plus its index, so never equal. */
  public List<BlobInfo> blobs() {
    List<BlobInfo> blobs = new ArrayList<>();
    for (int i = 0; i < caches.size(); i++) {
      byte[] cache = caches.get(i).toByteArray();
      byte[] salt = (i + "/" + idSalt).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      byte[] idInput = Arrays.copyOf(cache, cache.length + salt.length);
      System.arraycopy(salt, 0, idInput, cache.length, salt.length);
      blobs.add(
          new BlobInfo(
              HexFormat.of().formatHex(sha256(idInput)),
              chunkSize,
              chunkCounts.get(i),
              Compressor.NONE,
              Digester.SHA256,
              (int)
                  (BlobTableEntry.FEATURE_ALIGNED
                      | BlobTableEntry.FEATURE_INLINED_CHUNK_DIGEST
                      | BlobTableEntry.FEATURE_HAS_TAR_HEADER
                      | BlobTableEntry.FEATURE_HAS_TOC
                      | BlobTableEntry.FEATURE_CAP_TAR_TOC),
              cache.length,
              cache.length,
              Compressor.NONE,
              cache.length + 512L,
              16L * chunkCounts.get(i),
              16L * chunkCounts.get(i)));
    }
    return blobs;
  }

  /** This image as one layer: its single blob, or none when it holds no data. */
  public LayerTree layer() {
    if (caches.size() != 1) {
      throw new IllegalStateException(
          "a layer has exactly one blob, this image has " + caches.size());
    }
    return new LayerTree(chunkCounts.get(0) == 0 ? null : blobs().get(0), entries);
  }

  /** Writes each blob cache to {@code dir}/blob-N.data; returns the paths in blob order. */
  public List<Path> writeCaches(Path dir) throws IOException {
    List<Path> paths = new ArrayList<>();
    for (int i = 0; i < caches.size(); i++) {
      Path p = dir.resolve("blob-" + i + ".data");
      Files.write(p, caches.get(i).toByteArray());
      paths.add(p);
    }
    return paths;
  }

  public static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static EntryBuilder file(String path) {
    return new EntryBuilder(path, FileType.REGULAR, 0644);
  }

  public static EntryBuilder dir(String path) {
    return new EntryBuilder(path, FileType.DIRECTORY, 0755);
  }

  public static EntryBuilder symlink(String path, String target) {
    EntryBuilder b = new EntryBuilder(path, FileType.SYMLINK, 0777);
    b.linkTarget = target;
    b.size = target.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    return b;
  }

  public static EntryBuilder hardlink(String path, String target) {
    EntryBuilder b = new EntryBuilder(path, FileType.REGULAR, 0644);
    b.hardlinkTo = target;
    return b;
  }

  public static EntryBuilder node(String path, FileType type, int major, int minor) {
    EntryBuilder b = new EntryBuilder(path, type, 0644);
    b.major = major;
    b.minor = minor;
    return b;
  }

  /** Mutable description of one entry. */
  public static final class EntryBuilder {
    final String path;
    final FileType type;
    int mode;
    long uid;
    long gid;
    long mtime = 1_700_000_000L;
    long size;
    String linkTarget;
    String hardlinkTo;
    int major;
    int minor;
    final TreeMap<String, byte[]> xattrs = new TreeMap<>();
    List<Chunk> chunks = List.of();
    byte[] content;
    int blob;

    EntryBuilder(String path, FileType type, int mode) {
      this.path = path;
      this.type = type;
      this.mode = mode;
    }

    public EntryBuilder mode(int mode) {
      this.mode = mode;
      return this;
    }

    public EntryBuilder owner(long uid, long gid) {
      this.uid = uid;
      this.gid = gid;
      return this;
    }

    public EntryBuilder mtime(long mtime) {
      this.mtime = mtime;
      return this;
    }

    public EntryBuilder xattr(String key, byte[] value) {
      xattrs.put(key, value);
      return this;
    }

    public EntryBuilder xattr(String key, String value) {
      return xattr(key, value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public EntryBuilder content(byte[] content) {
      this.content = content;
      return this;
    }

    public EntryBuilder content(String content) {
      return content(content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public EntryBuilder blob(int blob) {
      this.blob = blob;
      return this;
    }

    public Entry build() {
      return new Entry(
          path,
          type,
          mode,
          uid,
          gid,
          mtime,
          0,
          size,
          linkTarget,
          hardlinkTo,
          major,
          minor,
          xattrs,
          chunks);
    }
  }
}
