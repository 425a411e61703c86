package dev.autoconvert.format.blob;

import dev.autoconvert.format.Compressor;
import dev.autoconvert.format.Digester;
import dev.autoconvert.format.FormatException;
import dev.autoconvert.format.tree.BlobInfo;
import dev.autoconvert.format.tree.Chunk;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;

/**
 * Writes one Nydus data blob (NYDUS-FORMAT.md §3) as a stream: file data is cut into chunks, each
 * digested and compressed on its own, identical chunks stored once; then the CI array and header,
 * the digest array, the layer's bootstrap and the TOC, each followed by its tar header.
 *
 * <p>With more than one thread, chunks are digested and compressed by a pool while this thread
 * keeps reading; results are written strictly in submission order, so the blob is the same bytes
 * whatever the thread count. Chunks travel in batches of at most one chunk size, packed into
 * recycled buffers (small files would otherwise cost an allocation each), and at most {@code 2 x
 * threads} batches are in flight.
 */
public final class BlobWriter implements AutoCloseable {
  /** Blob id the embedded per-layer bootstrap uses, since the real one hashes that bootstrap. */
  public static final String PLACEHOLDER_ID = "x".repeat(64);

  /** A ci index has 24 bits (§2). */
  static final int MAX_CHUNKS = 1 << 24;

  private static final int ALIGN = 4096;
  private static final int MAX_PIECES_PER_BATCH = 256;

  /**
   * Compress bounds are not additive: small chunks each add a little (zstd: up to 64 bytes), so a
   * batch's output buffer has this much over the bound of one full chunk.
   */
  private static final int BATCH_OUT_SLACK = MAX_PIECES_PER_BATCH * 128;

  private final Output out;
  private final Compressor compressor;
  private final int chunkSize;
  private final Digester digester;
  private final int threads;
  private final ExecutorService pool;
  private final ArrayDeque<Batch> inFlight = new ArrayDeque<>();
  private final ArrayDeque<Batch> spare = new ArrayDeque<>();
  private final List<Chunk> chunks = new ArrayList<>();
  private final Map<ChunkKey, Chunk> byDigest = new HashMap<>();
  private final List<TocEntry> toc = new ArrayList<>();
  private Batch filling;
  private long uncompressedEnd;
  private boolean chunksFinished;

  /**
   * @param chunkSize power of two in [4 KiB, 16 MiB]
   * @param threads chunk digest/compression threads; 1 does everything on the calling thread
   */
  public BlobWriter(
      OutputStream out, Compressor compressor, int chunkSize, Digester digester, int threads) {
    if (Integer.bitCount(chunkSize) != 1 || chunkSize < 4096 || chunkSize > (16 << 20)) {
      throw new IllegalArgumentException(
          "chunk size must be a power of two between 4096 and 16 MiB, got " + chunkSize);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.out = new Output(out);
    this.compressor = compressor;
    this.chunkSize = chunkSize;
    this.digester = digester;
    this.threads = threads;
    this.filling = new Batch();
    AtomicInteger n = new AtomicInteger();
    this.pool =
        threads == 1
            ? null
            : Executors.newFixedThreadPool(
                threads,
                r -> {
                  Thread t = new Thread(r, "blob-chunk-" + n.incrementAndGet());
                  t.setDaemon(true);
                  return t;
                });
  }

  /**
   * Reads exactly {@code size} bytes of one file and queues its chunks. The returned chunk list is
   * complete once {@link #finishChunks()} has run.
   */
  public FileChunks addFile(InputStream data, long size, String path) throws IOException {
    if (chunksFinished) {
      throw new IllegalStateException("chunks already finished");
    }
    long count = (size + chunkSize - 1) / chunkSize;
    if (count > MAX_CHUNKS) {
      throw new FormatException(path + ": " + size + " bytes need more than 2^24 chunks");
    }
    FileChunks file = new FileChunks((int) count);
    for (int i = 0; i < count; i++) {
      long fileOffset = (long) i * chunkSize;
      int len = (int) Math.min(chunkSize, size - fileOffset);
      if (!filling.fits(len)) {
        submitFilling();
      }
      Batch batch = filling;
      int got = data.readNBytes(batch.in, batch.inUsed, len);
      if (got < len) {
        throw new FormatException(
            path + ": file data ends at " + (fileOffset + got) + " of " + size + " bytes");
      }
      Piece piece = batch.add(len, fileOffset, file, i);
      if (pool == null) {
        // One thread: place the chunk at once; place() compresses it only if it is new.
        piece.digest = ChunkDigests.digest(digester, batch.in, piece.inOffset, len);
        place(piece, batch);
        batch.clear();
      } else if (batch.isFull()) {
        submitFilling();
      }
    }
    return file;
  }

  private void submitFilling() throws IOException {
    if (pool == null || filling.pieces.isEmpty()) {
      return;
    }
    while (inFlight.size() >= 2 * threads) {
      drain(inFlight.removeFirst());
    }
    Batch batch = filling;
    filling = spare.isEmpty() ? new Batch() : spare.pop();
    batch.done =
        pool.submit(
            () -> {
              for (Piece p : batch.pieces) {
                p.digest = ChunkDigests.digest(digester, batch.in, p.inOffset, p.length);
                batch.encode(p);
              }
              return null;
            });
    inFlight.addLast(batch);
    while (!inFlight.isEmpty() && inFlight.peekFirst().done.isDone()) {
      drain(inFlight.removeFirst());
    }
  }

  private void drain(Batch batch) throws IOException {
    try {
      batch.done.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while compressing chunks");
    } catch (ExecutionException e) {
      throw new IllegalStateException("chunk compression failed", e.getCause());
    }
    for (Piece p : batch.pieces) {
      place(p, batch);
    }
    batch.clear();
    if (spare.size() < 2) {
      spare.push(batch); // done and placed, so no worker still reads its buffers
    }
  }

  /**
   * Assigns the chunk its place in the blob (or reuses an identical one) and writes it, encoding it
   * first when the pool has not.
   */
  private void place(Piece p, Batch batch) throws IOException {
    int len = p.length;
    ChunkKey key = new ChunkKey(p.digest, len);
    Chunk chunk = byDigest.get(key);
    if (chunk == null) {
      if (chunks.size() >= MAX_CHUNKS) {
        throw new FormatException("layer needs more than 2^24 distinct chunks");
      }
      if (!p.encoded) {
        batch.encode(p);
      }
      boolean raw = p.storedLength < 0;
      int storedLength = raw ? len : p.storedLength;
      chunk =
          new Chunk(
              0,
              chunks.size(),
              out.position,
              storedLength,
              uncompressedEnd,
              len,
              p.fileOffset,
              p.digest,
              p.crc32);
      if (raw) {
        out.write(batch.in, p.inOffset, len);
      } else {
        out.write(batch.out, p.outOffset, storedLength);
      }
      uncompressedEnd += align(len);
      chunks.add(chunk);
      byDigest.put(key, chunk);
    }
    p.file.chunks[p.index] = chunk;
  }

  /**
   * Writes everything after the chunk data except the bootstrap: the image.blob header, CI array
   * and header, and the digest array. Returns what the layer's bootstrap records about this blob
   * (id {@link #PLACEHOLDER_ID}), or null when the layer has no file data.
   */
  public BlobInfo finishChunks() throws IOException {
    submitFilling();
    while (!inFlight.isEmpty()) {
      drain(inFlight.removeFirst());
    }
    chunksFinished = true;
    closePool();
    if (chunks.isEmpty()) {
      return null;
    }
    long dataSize = out.position;
    out.write(SegmentHeader.encode(SegmentHeader.IMAGE_BLOB, dataSize));
    // The chunk segment starts at offset 0, so its TOC digest is the blob digest so far.
    byte[] imageBlobDigest = out.digestSoFar();
    toc.add(
        new TocEntry(
            TocEntry.FLAG_NONE,
            SegmentHeader.IMAGE_BLOB,
            imageBlobDigest,
            0,
            dataSize,
            uncompressedEnd));

    int n = chunks.size();
    byte[] digests = new byte[n * 32];
    for (Chunk c : chunks) {
      System.arraycopy(c.digest(), 0, digests, c.index() * 32, 32);
    }
    byte[] ciRaw = ChunkInfoV1.array(chunks);
    byte[] ciCompressed = ChunkCodec.compress(compressor, ciRaw, 0, ciRaw.length);
    Compressor ciCompressor = ciCompressed != null ? compressor : Compressor.NONE;
    byte[] ciStored = ciCompressed != null ? ciCompressed : ciRaw;
    long ciOffset = out.position;
    byte[] ciHeader =
        new CiHeader(
                BlobFeatures.PER_LAYER,
                ciCompressor.code(),
                n,
                ciOffset,
                ciStored.length,
                ciRaw.length)
            .encode();
    out.write(ciStored);
    out.write(ciHeader);
    out.write(SegmentHeader.encode(SegmentHeader.BLOB_META, ciStored.length + CiHeader.SIZE));
    toc.add(
        new TocEntry(
            TocEntry.flagFor(ciCompressor),
            SegmentHeader.BLOB_META,
            sha256(ciRaw),
            ciOffset,
            ciStored.length,
            ciRaw.length));
    toc.add(
        new TocEntry(
            TocEntry.FLAG_NONE,
            TocEntry.BLOB_META_HEADER,
            sha256(ciHeader),
            ciOffset + ciStored.length,
            CiHeader.SIZE,
            CiHeader.SIZE));

    long digestOffset = out.position;
    out.write(digests);
    out.write(SegmentHeader.encode(SegmentHeader.BLOB_DIGEST, digests.length));
    toc.add(
        new TocEntry(
            TocEntry.FLAG_NONE,
            SegmentHeader.BLOB_DIGEST,
            sha256(digests),
            digestOffset,
            digests.length,
            digests.length));

    return new BlobInfo(
        PLACEHOLDER_ID,
        chunkSize,
        n,
        compressor,
        digester,
        BlobFeatures.PER_LAYER,
        out.position,
        uncompressedEnd,
        ciCompressor,
        ciOffset,
        ciStored.length,
        ciRaw.length);
  }

  /** Appends the layer's bootstrap and the TOC; the blob is complete afterwards. */
  public BlobResult finish(byte[] bootstrap) throws IOException {
    if (!chunksFinished) {
      throw new IllegalStateException("finishChunks() first");
    }
    byte[] compressed = ChunkCodec.compress(Compressor.ZSTD, bootstrap, 0, bootstrap.length);
    byte[] stored = compressed != null ? compressed : bootstrap;
    long bootOffset = out.position;
    out.write(stored);
    out.write(SegmentHeader.encode(SegmentHeader.IMAGE_BOOT, stored.length));
    toc.add(
        new TocEntry(
            compressed != null ? TocEntry.FLAG_ZSTD : TocEntry.FLAG_NONE,
            SegmentHeader.IMAGE_BOOT,
            sha256(bootstrap),
            bootOffset,
            stored.length,
            bootstrap.length));
    ByteBuffer tocBytes = ByteBuffer.allocate(toc.size() * TocEntry.SIZE);
    for (TocEntry e : toc) {
      e.encode(tocBytes);
    }
    out.write(tocBytes.array());
    out.write(SegmentHeader.encode(SegmentHeader.TOC, tocBytes.capacity()));
    out.target.flush();
    return new BlobResult(out.position, HexFormat.of().formatHex(out.whole.digest()));
  }

  @Override
  public void close() {
    closePool();
  }

  private void closePool() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  private static long align(long n) {
    return (n + ALIGN - 1) & -ALIGN;
  }

  private static byte[] sha256(byte[] data) {
    return ChunkDigests.newSha256().digest(data);
  }

  /** Size and sha256 (the blob id) of a finished blob. */
  public record BlobResult(long size, String sha256Hex) {}

  /** The chunks of one file, in file order; filled in as chunks are placed. */
  public static final class FileChunks {
    private final Chunk[] chunks;

    FileChunks(int count) {
      this.chunks = new Chunk[count];
    }

    public List<Chunk> chunks() {
      for (Chunk c : chunks) {
        if (c == null) {
          throw new IllegalStateException("chunks not placed yet: call finishChunks() first");
        }
      }
      return Arrays.asList(chunks.clone());
    }
  }

  /** One chunk: where its bytes sit in its batch's buffers, and what the pool made of it. */
  private static final class Piece {
    final int inOffset;
    final int length;
    final int outOffset;
    final long fileOffset;
    final FileChunks file;
    final int index;
    byte[] digest;
    long crc32;
    int storedLength = -1; // -1: stored raw
    boolean encoded;

    Piece(int inOffset, int length, int outOffset, long fileOffset, FileChunks file, int index) {
      this.inOffset = inOffset;
      this.length = length;
      this.outOffset = outOffset;
      this.fileOffset = fileOffset;
      this.file = file;
      this.index = index;
    }
  }

  /**
   * Up to one chunk size of chunks, packed one after the other into {@code in}, each with room for
   * its compressed form in {@code out}.
   */
  private final class Batch {
    final byte[] in = new byte[chunkSize];
    final byte[] out = new byte[ChunkCodec.bound(compressor, chunkSize) + BATCH_OUT_SLACK];
    final List<Piece> pieces = new ArrayList<>();
    final CRC32C crc = new CRC32C(); // one worker at a time encodes a batch
    int inUsed;
    int outUsed;
    Future<?> done;

    boolean fits(int len) {
      return pieces.size() < MAX_PIECES_PER_BATCH
          && inUsed + len <= in.length
          && outUsed + ChunkCodec.bound(compressor, len) <= out.length;
    }

    boolean isFull() {
      return inUsed == in.length || pieces.size() == MAX_PIECES_PER_BATCH;
    }

    Piece add(int len, long fileOffset, FileChunks file, int index) {
      Piece p = new Piece(inUsed, len, outUsed, fileOffset, file, index);
      pieces.add(p);
      inUsed += len;
      outUsed += ChunkCodec.bound(compressor, len);
      return p;
    }

    /** What a chunk stored for the first time needs: its CRC-32C and compressed form. */
    void encode(Piece p) {
      crc.reset();
      crc.update(in, p.inOffset, p.length);
      p.crc32 = crc.getValue();
      p.storedLength = ChunkCodec.compress(compressor, in, p.inOffset, p.length, out, p.outOffset);
      p.encoded = true;
    }

    void clear() {
      pieces.clear();
      inUsed = 0;
      outUsed = 0;
      done = null;
    }
  }

  /** Identity of a chunk for deduplication: digest and length (nydus compares both). */
  private record ChunkKey(ByteBuffer digest, int size) {
    ChunkKey(byte[] digest, int size) {
      this(ByteBuffer.wrap(digest), size);
    }
  }

  /** Counts and hashes the blob as it is written. */
  private static final class Output {
    final OutputStream target;
    final MessageDigest whole = ChunkDigests.newSha256();
    long position;

    Output(OutputStream target) {
      this.target = target;
    }

    void write(byte[] b) throws IOException {
      write(b, 0, b.length);
    }

    void write(byte[] b, int off, int length) throws IOException {
      target.write(b, off, length);
      whole.update(b, off, length);
      position += length;
    }

    byte[] digestSoFar() {
      try {
        return ((MessageDigest) whole.clone()).digest();
      } catch (CloneNotSupportedException e) {
        throw new IllegalStateException("SHA-256 implementation cannot be cloned", e);
      }
    }
  }
}
