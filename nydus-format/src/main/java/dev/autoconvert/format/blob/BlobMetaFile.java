package dev.autoconvert.format.blob;

import dev.autoconvert.format.FormatException;
import dev.autoconvert.format.tree.BlobInfo;
import dev.autoconvert.format.tree.Chunk;
import dev.autoconvert.format.tree.Entry;
import dev.autoconvert.format.tree.LayerTree;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code <blob id>.blob.meta}: nydusd's local cache form of a blob's chunk-info array
 * (NYDUS-FORMAT.md §3.4), which nydus-snapshotter ≥ 0.15.7 ships in the bootstrap layer (§5.2) so
 * that nydusd need not fetch it from the blob. Layout: the uncompressed CI array, zeros up to a
 * multiple of 4096, then the CI header exactly as the blob stores it (its {@code ci_compressor},
 * {@code ci_offset} and {@code ci_compressed_size} still describe the stored form: nydusd checks
 * them against the bootstrap's blob table).
 */
public final class BlobMetaFile {
  /** Suffix nydusd and the snapshotter append to the blob id. */
  public static final String SUFFIX = ".blob.meta";

  /** The CI data is padded to ceil4k before the header (NYDUS-FORMAT.md §3.4; nydusd maps it). */
  private static final int ALIGN = 4096;

  /**
   * CI v2 entry size (§3.4) and ZRAN inflate-context size (nydus {@code storage/src/meta}); only
   * read, in upstream files.
   */
  private static final int CHUNK_INFO_V2_SIZE = 24;

  private static final int ZRAN_CONTEXT_SIZE = 40;

  /** Largest file we accept: CI v1 for the most chunks a blob may have, plus the header. */
  public static final long MAX_SIZE =
      (long) ChunkInfoV1.SIZE * BlobWriter.MAX_CHUNKS + CiHeader.SIZE;

  private static final Pattern BLOB_ID = Pattern.compile("[0-9a-f]{64}");

  private final String blobId;
  private final byte[] content;
  private final CiHeader header;

  private BlobMetaFile(String blobId, byte[] content, CiHeader header) {
    this.blobId = blobId;
    this.content = content;
    this.header = header;
  }

  /**
   * The cache form of {@code layer}'s blob, from its tree: every chunk of a blob is referenced by
   * some file of its own layer, so the tree holds the whole CI array.
   *
   * @throws IllegalArgumentException when the layer has no blob or a ci index is unreferenced
   */
  public static BlobMetaFile of(LayerTree layer) {
    BlobInfo blob = layer.blob();
    if (blob == null) {
      throw new IllegalArgumentException("a layer without file data has no blob.meta");
    }
    Chunk[] byIndex = new Chunk[blob.chunkCount()];
    for (Entry e : layer.entries()) {
      for (Chunk c : e.chunks()) {
        if (c.index() < 0 || c.index() >= byIndex.length) {
          throw new IllegalArgumentException(
              "blob "
                  + blob.blobId()
                  + ": "
                  + e.path()
                  + " uses chunk "
                  + c.index()
                  + " of "
                  + byIndex.length);
        }
        byIndex[c.index()] = c;
      }
    }
    for (int i = 0; i < byIndex.length; i++) {
      if (byIndex[i] == null) {
        throw new IllegalArgumentException(
            "blob " + blob.blobId() + ": chunk " + i + " is used by no file of its layer");
      }
    }
    byte[] ci = ChunkInfoV1.array(Arrays.asList(byIndex));
    CiHeader header =
        new CiHeader(
            blob.features(),
            blob.ciCompressor().code(),
            blob.chunkCount(),
            blob.ciOffset(),
            blob.ciCompressedSize(),
            blob.ciUncompressedSize());
    return assemble(blob.blobId(), ci, header.encode(), header);
  }

  /**
   * One file per distinct blob that has chunks, in layer order: what nydus-snapshotter writes after
   * {@code image.boot} (a layer without file data has no CI array, hence no file).
   */
  public static List<BlobMetaFile> forLayers(List<LayerTree> layers) {
    Set<String> seen = new LinkedHashSet<>();
    List<BlobMetaFile> files = new ArrayList<>();
    for (LayerTree layer : layers) {
      if (layer.blob() != null && seen.add(layer.blob().blobId())) {
        files.add(of(layer));
      }
    }
    return List.copyOf(files);
  }

  /**
   * The cache form derived from the blob alone, as the snapshotter derives it: the decompressed
   * {@code blob.meta} entry, padding, the {@code blob.meta.header} entry. Empty when the blob has
   * no chunks.
   */
  public static Optional<BlobMetaFile> fromBlob(String blobId, BlobReader blob)
      throws FormatException {
    if (blob.ciArray() == null) {
      return Optional.empty();
    }
    byte[] headerBytes = blob.ciHeaderBytes();
    return Optional.of(
        assemble(
            blobId,
            blob.ciArray(),
            headerBytes,
            CiHeader.decode(headerBytes, "blob " + blobId + " CI header")));
  }

  /**
   * Reads a cache file as nydusd validates it ({@code BlobCompressionContextInfo::new} and {@code
   * validate_header}): magic, then size against {@code ci_uncompressed_size}, then the CI size
   * against the entry count for CI v1 or v2, then the ZRAN context bounds.
   */
  public static BlobMetaFile parse(String blobId, byte[] content) throws FormatException {
    String where = "blob.meta of " + blobId;
    checkBlobId(blobId);
    if (content.length < CiHeader.SIZE || content.length > MAX_SIZE) {
      throw new FormatException(
          where + ": " + content.length + " bytes, expected 4096 to " + MAX_SIZE);
    }
    int headerOffset = content.length - CiHeader.SIZE;
    byte[] headerBytes = Arrays.copyOfRange(content, headerOffset, content.length);
    CiHeader h = CiHeader.decode(headerBytes, where);
    if (h.ciUncompressedSize() < 0 || align(h.ciUncompressedSize()) != headerOffset) {
      throw new FormatException(
          where
              + ": ci_uncompressed_size "
              + h.ciUncompressedSize()
              + " needs "
              + (align(h.ciUncompressedSize()) + CiHeader.SIZE)
              + " bytes, file has "
              + content.length);
    }
    if (h.entries() <= 0 || h.entries() > BlobWriter.MAX_CHUNKS) {
      throw new FormatException(where + ": ci_entries " + h.entries() + " out of [1, 2^24]");
    }
    BlobMetaFile file = new BlobMetaFile(blobId, content.clone(), h);
    file.checkCiSize(where);
    return file;
  }

  private void checkCiSize(String where) throws FormatException {
    boolean v2 = has(BlobFeatures.CHUNK_INFO_V2);
    boolean context = has(BlobFeatures.ZRAN) || has(BlobFeatures.BATCH);
    long entriesSize = (long) header.entries() * (v2 ? CHUNK_INFO_V2_SIZE : ChunkInfoV1.SIZE);
    if (context && !v2) {
      throw new FormatException(where + ": ZRAN or batch without CI v2, features " + hex());
    }
    boolean sizeOk =
        context
            ? header.ciUncompressedSize() >= entriesSize
            : header.ciUncompressedSize() == entriesSize;
    if (!sizeOk) {
      throw new FormatException(
          where
              + ": ci_uncompressed_size "
              + header.ciUncompressedSize()
              + " does not fit "
              + header.entries()
              + " entries of "
              + (v2 ? "CI v2" : "CI v1")
              + ", features "
              + hex());
    }
    if (has(BlobFeatures.ZRAN)) {
      long end = zranOffset() + zranSize();
      if (zranOffset() != entriesSize
          || end > header.ciUncompressedSize()
          || zranCount() > header.entries()
          || (long) zranCount() * ZRAN_CONTEXT_SIZE > zranSize()) {
        throw new FormatException(
            where
                + ": ZRAN context (offset "
                + zranOffset()
                + ", size "
                + zranSize()
                + ", count "
                + zranCount()
                + ") does not follow the "
                + entriesSize
                + " bytes of CI entries");
      }
    }
  }

  private static BlobMetaFile assemble(
      String blobId, byte[] ciArray, byte[] headerBytes, CiHeader header) {
    checkBlobId(blobId);
    byte[] content = new byte[Math.toIntExact(align(ciArray.length) + CiHeader.SIZE)];
    System.arraycopy(ciArray, 0, content, 0, ciArray.length);
    System.arraycopy(headerBytes, 0, content, content.length - CiHeader.SIZE, CiHeader.SIZE);
    return new BlobMetaFile(blobId, content, header);
  }

  private static void checkBlobId(String blobId) {
    if (!BLOB_ID.matcher(blobId).matches()) {
      throw new IllegalArgumentException(
          "blob id must be 64 lower-case hex characters, got '" + blobId + "'");
    }
  }

  private static long align(long n) {
    return (n + ALIGN - 1) & -ALIGN;
  }

  /**
   * Where {@code actual} first departs from this file (the expected one): the size, a header field
   * named as upstream names it, a chunk-info entry, or the padding; null when they are equal.
   */
  public String firstDifference(BlobMetaFile actual) {
    if (content.length != actual.content.length) {
      return "size expected " + content.length + ", found " + actual.content.length;
    }
    int at = Arrays.mismatch(content, actual.content);
    if (at < 0) {
      return null;
    }
    int headerOffset = content.length - CiHeader.SIZE;
    if (at >= headerOffset) {
      int field = at - headerOffset;
      return "CI header field "
          + CiHeader.fieldAt(field)
          + " (header byte "
          + field
          + ") differs: expected "
          + headerText()
          + ", found "
          + actual.headerText();
    }
    if (at < header.ciUncompressedSize()) {
      int entrySize = has(BlobFeatures.CHUNK_INFO_V2) ? CHUNK_INFO_V2_SIZE : ChunkInfoV1.SIZE;
      return at < (long) header.entries() * entrySize
          ? "chunk info entry " + at / entrySize + " differs (byte " + at + ")"
          : "ZRAN/batch context differs (byte " + at + ")";
    }
    return "padding is not zero at byte " + at;
  }

  public String blobId() {
    return blobId;
  }

  /** {@code <blob id>.blob.meta}. */
  public String fileName() {
    return blobId + SUFFIX;
  }

  /** The file's bytes (a copy). */
  public byte[] content() {
    return content.clone();
  }

  public int size() {
    return content.length;
  }

  /** Blob feature bits as the blob's CI header records them. */
  public int features() {
    return header.features();
  }

  /** Compressor code of the CI array as stored in the blob (0 none, 1 lz4_block, 3 zstd). */
  public int ciCompressor() {
    return header.ciCompressor();
  }

  public int entries() {
    return header.entries();
  }

  /** Offset of the stored CI array inside the blob (0 when it lives in a separate meta blob). */
  public long ciOffset() {
    return header.ciOffset();
  }

  public long ciCompressedSize() {
    return header.ciCompressedSize();
  }

  public long ciUncompressedSize() {
    return header.ciUncompressedSize();
  }

  public long zranOffset() {
    return headerLong(CiHeader.OFF_ZRAN_OFFSET);
  }

  public long zranSize() {
    return headerLong(CiHeader.OFF_ZRAN_SIZE);
  }

  public int zranCount() {
    return headerBuffer().getInt(CiHeader.OFF_ZRAN_COUNT);
  }

  private long headerLong(int offset) {
    return headerBuffer().getLong(offset);
  }

  private ByteBuffer headerBuffer() {
    return ByteBuffer.wrap(content, content.length - CiHeader.SIZE, CiHeader.SIZE)
        .slice()
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  private String headerText() {
    return String.format(
        "features 0x%08x, ci_compressor %d, ci_entries %d, ci_offset %d, ci_compressed_size %d,"
            + " ci_uncompressed_size %d, zran %d/%d/%d",
        header.features(),
        header.ciCompressor(),
        header.entries(),
        header.ciOffset(),
        header.ciCompressedSize(),
        header.ciUncompressedSize(),
        zranOffset(),
        zranSize(),
        zranCount());
  }

  private boolean has(int feature) {
    return (header.features() & feature) != 0;
  }

  private String hex() {
    return String.format("0x%08x", header.features());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BlobMetaFile other
        && blobId.equals(other.blobId)
        && Arrays.equals(content, other.content);
  }

  @Override
  public int hashCode() {
    return 31 * blobId.hashCode() + Arrays.hashCode(content);
  }

  @Override
  public String toString() {
    return fileName() + " (" + content.length + " bytes, " + headerText() + ")";
  }
}
