package dev.autoconvert.format.blob;

import dev.autoconvert.format.Compressor;
import dev.autoconvert.format.Digester;
import dev.autoconvert.format.FormatException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Reads a Nydus data blob backwards (NYDUS-FORMAT.md §3): the tar header at the very end names the
 * TOC, each header before a segment names that segment; the TOC locates the CI array, the digest
 * array and the embedded bootstrap. Opening checks magic, sizes, the agreement of TOC and tar
 * headers and the digests of every metadata segment; {@link #verify} also checks chunk data.
 */
public final class BlobReader implements Closeable {
  /** Most segments a blob has (5 + slack for older layouts); bounds the backward walk. */
  private static final int MAX_SEGMENTS = 8;

  /** nydusd reads the TOC and its header from the last 4096 bytes. */
  private static final int MAX_TOC_WITH_HEADER = 4096;

  /** The embedded bootstrap's nydus extended superblock flags (u64 at 1152, §1.3). */
  private static final int OFF_EXT_SB_FLAGS = 1152;

  private static final long FLAG_COMPRESSION_NONE = 0x1;
  private static final long FLAG_COMPRESSION_LZ4 = 0x2;
  private static final long FLAG_COMPRESSION_ZSTD = 0x80;
  private static final long FLAG_HASH_BLAKE3 = 0x4;
  private static final long FLAG_HASH_SHA256 = 0x8;

  /** Largest embedded bootstrap accepted when decompressing it. */
  private static final long MAX_BOOTSTRAP = 1L << 30;

  private final String name;
  private final FileChannel channel;
  private final long size;
  private final List<SegmentHeader.Segment> segments;
  private final List<TocEntry> toc;
  private final byte[] ciHeaderBytes;
  private final CiHeader ciHeader;
  private final byte[] ciArray;
  private final List<ChunkInfoV1> chunks;
  private final long dataSize;
  private final byte[] digests;
  private final byte[] bootstrap;

  private BlobReader(Path path) throws IOException {
    this.name = "blob " + path.getFileName();
    this.channel = FileChannel.open(path, StandardOpenOption.READ);
    try {
      this.size = channel.size();
      this.segments = walkSegments();
      this.toc = readToc();
      SegmentHeader.Segment meta = segment(SegmentHeader.BLOB_META);
      SegmentHeader.Segment data = segment(SegmentHeader.IMAGE_BLOB);
      this.dataSize = data == null ? 0 : data.size();
      if (meta != null) {
        this.ciHeaderBytes = readCiHeaderBytes(meta);
        this.ciHeader = checkCiHeader(meta, ciHeaderBytes);
        this.ciArray = readCiArray(meta);
        this.chunks = decodeChunkInfos(meta);
      } else {
        this.ciHeaderBytes = null;
        this.ciHeader = null;
        this.ciArray = null;
        this.chunks = List.of();
      }
      this.digests = readDigests();
      this.bootstrap = readBootstrap();
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Opens and structurally verifies a blob file. */
  public static BlobReader open(Path blob) throws IOException {
    return new BlobReader(blob);
  }

  private List<SegmentHeader.Segment> walkSegments() throws IOException {
    List<SegmentHeader.Segment> found = new ArrayList<>();
    long end = size;
    while (end > 0) {
      if (found.size() == MAX_SEGMENTS) {
        throw new FormatException(name + ": more than " + MAX_SEGMENTS + " segments");
      }
      if (end < SegmentHeader.SIZE) {
        throw new FormatException(
            name + ": " + end + " bytes before offset " + end + " cannot hold a tar header");
      }
      long headerOffset = end - SegmentHeader.SIZE;
      SegmentHeader.Segment s =
          SegmentHeader.decode(read(headerOffset, SegmentHeader.SIZE), headerOffset, name);
      found.add(s);
      end = s.offset();
    }
    Collections.reverse(found);
    if (found.isEmpty() || !found.get(found.size() - 1).name().equals(SegmentHeader.TOC)) {
      throw new FormatException(
          name + ": last segment must be '" + SegmentHeader.TOC + "', found " + names(found));
    }
    return List.copyOf(found);
  }

  private List<TocEntry> readToc() throws IOException {
    SegmentHeader.Segment s = segments.get(segments.size() - 1);
    if (s.size() % TocEntry.SIZE != 0 || s.size() + SegmentHeader.SIZE > MAX_TOC_WITH_HEADER) {
      throw new FormatException(
          name
              + ": TOC at offset "
              + s.offset()
              + " has "
              + s.size()
              + " bytes, expected a multiple of 128 fitting with its header in 4096");
    }
    ByteBuffer b = ByteBuffer.wrap(read(s.offset(), (int) s.size()));
    List<TocEntry> entries = new ArrayList<>();
    while (b.hasRemaining()) {
      TocEntry e = TocEntry.decode(b);
      checkTocEntry(e);
      entries.add(e);
    }
    return List.copyOf(entries);
  }

  /** Each TOC entry must describe the segment its tar header describes. */
  private void checkTocEntry(TocEntry e) throws IOException {
    String where = name + ": TOC entry '" + e.name() + "'";
    e.compressor(name);
    long expectedOffset;
    long expectedSize;
    switch (e.name()) {
      case SegmentHeader.IMAGE_BLOB -> {
        SegmentHeader.Segment s = require(SegmentHeader.IMAGE_BLOB, where);
        // nydus before 2.2.0-rc.3 wrote the segment end instead of 0 here (fixture be7d77ee).
        if (e.compressedOffset() != 0 && e.compressedOffset() != s.size()) {
          throw mismatch(where, "offset", 0, e.compressedOffset());
        }
        expectedOffset = e.compressedOffset();
        expectedSize = s.size();
      }
      case SegmentHeader.BLOB_META -> {
        SegmentHeader.Segment s = require(SegmentHeader.BLOB_META, where);
        expectedOffset = s.offset();
        expectedSize = s.size() - CiHeader.SIZE;
      }
      case TocEntry.BLOB_META_HEADER -> {
        SegmentHeader.Segment s = require(SegmentHeader.BLOB_META, where);
        expectedOffset = s.offset() + s.size() - CiHeader.SIZE;
        expectedSize = CiHeader.SIZE;
      }
      case SegmentHeader.BLOB_DIGEST, SegmentHeader.IMAGE_BOOT -> {
        SegmentHeader.Segment s = require(e.name(), where);
        expectedOffset = s.offset();
        expectedSize = s.size();
      }
      default -> {
        return; // unknown entries are tolerated, as nydusd does
      }
    }
    if (e.compressedOffset() != expectedOffset) {
      throw mismatch(where, "offset", expectedOffset, e.compressedOffset());
    }
    if (e.compressedSize() != expectedSize) {
      throw mismatch(where, "size", expectedSize, e.compressedSize());
    }
  }

  private SegmentHeader.Segment require(String segment, String where) throws FormatException {
    SegmentHeader.Segment s = segment(segment);
    if (s == null) {
      throw new FormatException(
          where + ": no tar header for segment '" + segment + "' (found " + names(segments) + ")");
    }
    return s;
  }

  private static FormatException mismatch(String where, String what, long expected, long found) {
    return new FormatException(where + ": " + what + " expected " + expected + ", found " + found);
  }

  private byte[] readCiHeaderBytes(SegmentHeader.Segment meta) throws IOException {
    if (meta.size() < CiHeader.SIZE) {
      throw new FormatException(
          name
              + ": blob.meta at offset "
              + meta.offset()
              + ": "
              + meta.size()
              + " bytes, smaller than its header");
    }
    return read(meta.offset() + meta.size() - CiHeader.SIZE, CiHeader.SIZE);
  }

  private CiHeader checkCiHeader(SegmentHeader.Segment meta, byte[] headerBytes)
      throws IOException {
    String where = name + ": blob.meta at offset " + meta.offset();
    CiHeader h = CiHeader.decode(headerBytes, where);
    if (h.ciOffset() != meta.offset()) {
      throw mismatch(where + " CI header", "ci_offset", meta.offset(), h.ciOffset());
    }
    if (h.ciCompressedSize() != meta.size() - CiHeader.SIZE) {
      throw mismatch(
          where + " CI header",
          "ci_compressed_size",
          meta.size() - CiHeader.SIZE,
          h.ciCompressedSize());
    }
    if (h.ciUncompressedSize() != (long) h.entries() * ChunkInfoV1.SIZE) {
      throw mismatch(
          where + " CI header",
          "ci_uncompressed_size (16 x entries)",
          (long) h.entries() * ChunkInfoV1.SIZE,
          h.ciUncompressedSize());
    }
    if (h.entries() < 0 || h.entries() > BlobWriter.MAX_CHUNKS) {
      throw new FormatException(where + ": " + h.entries() + " CI entries");
    }
    if ((h.features() & BlobFeatures.CHUNK_INFO_V2) != 0) {
      throw new FormatException(where + ": CI v2 (batch/ZRAN/encrypted blobs) is not supported");
    }
    checkDigest(TocEntry.BLOB_META_HEADER, headerBytes);
    return h;
  }

  /** The CI array as stored, decompressed and checked against its TOC digest. */
  private byte[] readCiArray(SegmentHeader.Segment meta) throws IOException {
    String where = name + ": CI array at offset " + meta.offset();
    byte[] stored = read(meta.offset(), (int) ciHeader.ciCompressedSize());
    int rawSize = (int) ciHeader.ciUncompressedSize();
    byte[] raw =
        ciHeader.ciCompressor() == Compressor.NONE.code()
            ? stored
            : ChunkCodec.decompress(
                codeToCompressor(ciHeader.ciCompressor(), where), stored, rawSize, where);
    if (raw.length != rawSize) {
      throw mismatch(where, "size", rawSize, raw.length);
    }
    checkDigest(SegmentHeader.BLOB_META, raw);
    return raw;
  }

  private List<ChunkInfoV1> decodeChunkInfos(SegmentHeader.Segment meta) throws IOException {
    String where = name + ": CI array at offset " + meta.offset();
    ByteBuffer b = ByteBuffer.wrap(ciArray).order(ByteOrder.LITTLE_ENDIAN);
    List<ChunkInfoV1> list = new ArrayList<>(ciHeader.entries());
    long nextUncompressed = 0;
    for (int i = 0; i < ciHeader.entries(); i++) {
      ChunkInfoV1 c = ChunkInfoV1.decode(b);
      if (c.compressedOffset() + c.compressedSize() > dataSize) {
        throw new FormatException(
            where
                + ": chunk "
                + i
                + " ends at "
                + (c.compressedOffset() + c.compressedSize())
                + ", beyond the chunk data ("
                + dataSize
                + " bytes)");
      }
      if (c.uncompressedOffset() < nextUncompressed) {
        throw new FormatException(
            where
                + ": chunk "
                + i
                + " uncompressed offset "
                + c.uncompressedOffset()
                + " overlaps the previous chunk (ends at "
                + nextUncompressed
                + ")");
      }
      nextUncompressed = c.uncompressedOffset() + c.uncompressedSize();
      list.add(c);
    }
    return List.copyOf(list);
  }

  private byte[] readDigests() throws IOException {
    SegmentHeader.Segment s = segment(SegmentHeader.BLOB_DIGEST);
    if (s == null) {
      return null;
    }
    if (s.size() != 32L * chunks.size()) {
      throw mismatch(name + ": blob.digest", "size (32 x chunks)", 32L * chunks.size(), s.size());
    }
    byte[] d = read(s.offset(), (int) s.size());
    checkDigest(SegmentHeader.BLOB_DIGEST, d);
    return d;
  }

  private byte[] readBootstrap() throws IOException {
    SegmentHeader.Segment s = segment(SegmentHeader.IMAGE_BOOT);
    if (s == null) {
      return null;
    }
    TocEntry e = tocEntry(SegmentHeader.IMAGE_BOOT);
    String where = name + ": image.boot at offset " + s.offset();
    byte[] stored = read(s.offset(), (int) s.size());
    if (e == null) {
      return stored;
    }
    if (e.uncompressedSize() > MAX_BOOTSTRAP) {
      throw new FormatException(where + ": declared size " + e.uncompressedSize() + " too large");
    }
    Compressor c = e.compressor(name);
    byte[] raw =
        c == Compressor.NONE
            ? stored
            : ChunkCodec.decompress(c, stored, (int) e.uncompressedSize(), where);
    checkDigest(SegmentHeader.IMAGE_BOOT, raw);
    return raw;
  }

  private void checkDigest(String entry, byte[] content) throws FormatException {
    TocEntry e = tocEntry(entry);
    if (e == null) {
      return;
    }
    byte[] actual = ChunkDigests.newSha256().digest(content);
    if (!Arrays.equals(actual, e.sha256())) {
      throw new FormatException(
          name
              + ": TOC entry '"
              + entry
              + "' sha256 expected "
              + HexFormat.of().formatHex(e.sha256())
              + ", found "
              + HexFormat.of().formatHex(actual));
    }
    if (e.uncompressedSize() != content.length) {
      throw mismatch(
          name + ": TOC entry '" + entry + "'",
          "uncompressed size",
          e.uncompressedSize(),
          content.length);
    }
  }

  private static Compressor codeToCompressor(int code, String where) throws FormatException {
    for (Compressor c : Compressor.values()) {
      if (c.code() == code) {
        return c;
      }
    }
    throw new FormatException(where + ": unknown compressor code " + code);
  }

  /**
   * Reads everything again and checks the image.blob TOC digest and, when the blob has a digest
   * array, every chunk's digest.
   *
   * @param compressor chunk compressor; null to take it from the embedded bootstrap
   * @param digester chunk digester; null to take it from the embedded bootstrap
   */
  public void verify(Compressor compressor, Digester digester) throws IOException {
    TocEntry blobEntry = tocEntry(SegmentHeader.IMAGE_BLOB);
    if (blobEntry != null) {
      MessageDigest sha = ChunkDigests.newSha256();
      long end = dataSize + SegmentHeader.SIZE;
      for (long pos = 0; pos < end; pos += 1 << 20) {
        sha.update(read(pos, (int) Math.min(1 << 20, end - pos)));
      }
      byte[] actual = sha.digest();
      if (!Arrays.equals(actual, blobEntry.sha256())) {
        throw new FormatException(
            name
                + ": image.blob sha256 expected "
                + HexFormat.of().formatHex(blobEntry.sha256())
                + ", found "
                + HexFormat.of().formatHex(actual));
      }
    }
    Compressor c = compressor != null ? compressor : chunkCompressor();
    Digester d = digester != null ? digester : digester();
    for (int i = 0; i < chunks.size(); i++) {
      byte[] data = readChunk(i, c);
      if (digests != null && d != null) {
        byte[] actual = ChunkDigests.digest(d, data, 0, data.length);
        if (!Arrays.equals(actual, 0, 32, digests, i * 32, i * 32 + 32)) {
          throw new FormatException(
              name + ": chunk " + i + " " + d.cliName() + " digest differs from blob.digest");
        }
      }
    }
  }

  /** The uncompressed bytes of chunk {@code index}. */
  public byte[] readChunk(int index, Compressor compressor) throws IOException {
    ChunkInfoV1 c = chunks.get(index);
    byte[] stored = read(c.compressedOffset(), c.compressedSize());
    if (!c.compressed()) {
      return stored;
    }
    return ChunkCodec.decompress(
        compressor,
        stored,
        c.uncompressedSize(),
        name + ": chunk " + index + " at offset " + c.compressedOffset());
  }

  /** Chunk compressor from the embedded bootstrap, else guessed from the first compressed chunk. */
  public Compressor chunkCompressor() throws IOException {
    if (bootstrap != null && bootstrap.length >= OFF_EXT_SB_FLAGS + 8) {
      long flags =
          ByteBuffer.wrap(bootstrap).order(ByteOrder.LITTLE_ENDIAN).getLong(OFF_EXT_SB_FLAGS);
      if ((flags & FLAG_COMPRESSION_ZSTD) != 0) {
        return Compressor.ZSTD;
      }
      if ((flags & FLAG_COMPRESSION_LZ4) != 0) {
        return Compressor.LZ4_BLOCK;
      }
      if ((flags & FLAG_COMPRESSION_NONE) != 0) {
        return Compressor.NONE;
      }
    }
    for (ChunkInfoV1 c : chunks) {
      if (c.compressed()) {
        byte[] head = read(c.compressedOffset(), 4);
        return head[0] == 0x28
                && head[1] == (byte) 0xb5
                && head[2] == 0x2f
                && head[3] == (byte) 0xfd
            ? Compressor.ZSTD
            : Compressor.LZ4_BLOCK;
      }
    }
    return Compressor.NONE;
  }

  /** Chunk digester named by the embedded bootstrap, or null when the blob has none. */
  public Digester digester() {
    if (bootstrap == null || bootstrap.length < OFF_EXT_SB_FLAGS + 8) {
      return null;
    }
    long flags =
        ByteBuffer.wrap(bootstrap).order(ByteOrder.LITTLE_ENDIAN).getLong(OFF_EXT_SB_FLAGS);
    if ((flags & FLAG_HASH_SHA256) != 0) {
      return Digester.SHA256;
    }
    return (flags & FLAG_HASH_BLAKE3) != 0 ? Digester.BLAKE3 : null;
  }

  /** Names of the segments in file order. */
  public List<String> segmentNames() {
    return names(segments);
  }

  public List<TocEntry> toc() {
    return toc;
  }

  public int chunkCount() {
    return chunks.size();
  }

  /** Blob feature bits from the CI header, 0 for a blob without chunks. */
  public int features() {
    return ciHeader == null ? 0 : ciHeader.features();
  }

  /** The uncompressed CI array, or null for a blob without chunks. */
  byte[] ciArray() {
    return ciArray;
  }

  /** The 4096-byte CI header exactly as stored, or null for a blob without chunks. */
  byte[] ciHeaderBytes() {
    return ciHeaderBytes;
  }

  /** Offset of chunk {@code index} in the uncompressed address space. */
  public long uncompressedOffset(int index) {
    return chunks.get(index).uncompressedOffset();
  }

  /** Size of the uncompressed blob image: end of the last 4096-aligned chunk. */
  public long uncompressedSize() {
    long end = 0;
    for (ChunkInfoV1 c : chunks) {
      end = Math.max(end, (c.uncompressedOffset() + c.uncompressedSize() + 4095) & -4096L);
    }
    return end;
  }

  /** The digest of chunk {@code index} from blob.digest, if the blob has one. */
  public Optional<byte[]> chunkDigest(int index) {
    return digests == null
        ? Optional.empty()
        : Optional.of(Arrays.copyOfRange(digests, index * 32, index * 32 + 32));
  }

  /** The embedded per-layer bootstrap, decompressed and checked against its TOC digest. */
  public Optional<byte[]> bootstrap() {
    return Optional.ofNullable(bootstrap);
  }

  public long size() {
    return size;
  }

  private SegmentHeader.Segment segment(String segmentName) {
    for (SegmentHeader.Segment s : segments) {
      if (s.name().equals(segmentName)) {
        return s;
      }
    }
    return null;
  }

  private TocEntry tocEntry(String entryName) {
    if (toc == null) {
      return null;
    }
    for (TocEntry e : toc) {
      if (e.name().equals(entryName)) {
        return e;
      }
    }
    return null;
  }

  private static List<String> names(List<SegmentHeader.Segment> list) {
    return list.stream().map(SegmentHeader.Segment::name).toList();
  }

  private byte[] read(long offset, int length) throws IOException {
    if (offset < 0 || offset + length > size) {
      throw new FormatException(
          name
              + ": range ["
              + offset
              + ", "
              + (offset + length)
              + ") outside the blob ("
              + size
              + " bytes)");
    }
    ByteBuffer b = ByteBuffer.allocate(length);
    while (b.hasRemaining()) {
      if (channel.read(b, offset + b.position()) < 0) {
        throw new FormatException(name + ": unexpected end of file at " + (offset + b.position()));
      }
    }
    return b.array();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
