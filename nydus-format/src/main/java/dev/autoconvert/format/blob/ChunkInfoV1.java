package dev.autoconvert.format.blob;

import dev.autoconvert.format.tree.Chunk;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * A CI v1 chunk info entry, two little-endian u64 words (NYDUS-FORMAT.md §3.4).
 *
 * <p>uncomp_info: bits 8-11 = bits 20-23 of (size-1), bits 12-43 = the 4 KiB-aligned offset itself,
 * bits 44-63 = bits 0-19 of (size-1). comp_info: bits 0-39 offset, bits 40-43 and 44-63 the same
 * split of (compressed size-1).
 */
record ChunkInfoV1(
    long compressedOffset, int compressedSize, long uncompressedOffset, int uncompressedSize) {
  static final int SIZE = 16;

  private static final long OFFSET_40 = (1L << 40) - 1;
  private static final long UNCOMPRESSED_OFFSET_MASK = 0xFFFF_FFFF_000L;

  /** The CI array of {@code chunksByIndex}: entry i describes the chunk with ci index i. */
  static byte[] array(List<Chunk> chunksByIndex) {
    ByteBuffer out =
        ByteBuffer.allocate(chunksByIndex.size() * SIZE).order(ByteOrder.LITTLE_ENDIAN);
    for (Chunk c : chunksByIndex) {
      new ChunkInfoV1(
              c.compressedOffset(),
              c.compressedSize(),
              c.uncompressedOffset(),
              c.uncompressedSize())
          .encode(out);
    }
    return out.array();
  }

  void encode(ByteBuffer out) {
    long u = uncompressedSize - 1L;
    long c = compressedSize - 1L;
    out.putLong(
        (uncompressedOffset & UNCOMPRESSED_OFFSET_MASK)
            | ((u >>> 20) & 0xF) << 8
            | (u & 0xFFFFF) << 44);
    out.putLong((compressedOffset & OFFSET_40) | ((c >>> 20) & 0xF) << 40 | (c & 0xFFFFF) << 44);
  }

  static ChunkInfoV1 decode(ByteBuffer in) {
    long uncomp = in.getLong();
    long comp = in.getLong();
    int usize = (int) ((((uncomp >>> 8) & 0xF) << 20 | (uncomp >>> 44)) + 1);
    int csize = (int) ((((comp >>> 40) & 0xF) << 20 | (comp >>> 44)) + 1);
    return new ChunkInfoV1(comp & OFFSET_40, csize, uncomp & UNCOMPRESSED_OFFSET_MASK, usize);
  }

  boolean compressed() {
    return compressedSize != uncompressedSize;
  }
}
