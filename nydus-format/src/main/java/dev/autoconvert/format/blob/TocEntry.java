package dev.autoconvert.format.blob;

import dev.autoconvert.format.Compressor;
import dev.autoconvert.format.FormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One 128-byte entry of the blob TOC, {@code rafs.blob.toc} (NYDUS-FORMAT.md §3.7).
 *
 * @param flags compression of the stored entry: 0x1 none, 0x2 zstd, 0x4 lz4_block
 * @param name segment name, at most 16 bytes
 * @param sha256 digest of the uncompressed content (image.blob: chunk data plus its tar header)
 */
public record TocEntry(
    int flags,
    String name,
    byte[] sha256,
    long compressedOffset,
    long compressedSize,
    long uncompressedSize) {
  static final int SIZE = 128;

  static final int OFF_FLAGS = 0;
  static final int OFF_NAME = 8;
  static final int LEN_NAME = 16;
  static final int OFF_DIGEST = 24;
  static final int OFF_COMPRESSED_OFFSET = 56;
  static final int OFF_COMPRESSED_SIZE = 64;
  static final int OFF_UNCOMPRESSED_SIZE = 72;

  static final int FLAG_NONE = 0x1;
  static final int FLAG_ZSTD = 0x2;
  static final int FLAG_LZ4_BLOCK = 0x4;

  /** Compression bits of {@code flags}; the rest is reserved. */
  static final int COMPRESSION_MASK = 0xF;

  static final String BLOB_META_HEADER = "blob.meta.header";

  static int flagFor(Compressor c) {
    return switch (c) {
      case NONE -> FLAG_NONE;
      case ZSTD -> FLAG_ZSTD;
      case LZ4_BLOCK -> FLAG_LZ4_BLOCK;
    };
  }

  Compressor compressor(String where) throws FormatException {
    return switch (flags & COMPRESSION_MASK) {
      case FLAG_NONE -> Compressor.NONE;
      case FLAG_ZSTD -> Compressor.ZSTD;
      case FLAG_LZ4_BLOCK -> Compressor.LZ4_BLOCK;
      default ->
          throw new FormatException(
              where
                  + ": TOC entry '"
                  + name
                  + "' has unknown compression flags 0x"
                  + Integer.toHexString(flags));
    };
  }

  void encode(ByteBuffer out) {
    ByteBuffer b = out.slice().order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(OFF_FLAGS, flags);
    b.put(OFF_NAME, name.getBytes(StandardCharsets.US_ASCII));
    b.put(OFF_DIGEST, sha256);
    b.putLong(OFF_COMPRESSED_OFFSET, compressedOffset);
    b.putLong(OFF_COMPRESSED_SIZE, compressedSize);
    b.putLong(OFF_UNCOMPRESSED_SIZE, uncompressedSize);
    out.position(out.position() + SIZE);
  }

  static TocEntry decode(ByteBuffer in) {
    ByteBuffer b = in.slice().order(ByteOrder.LITTLE_ENDIAN);
    byte[] name = new byte[LEN_NAME];
    b.get(OFF_NAME, name);
    int len = 0;
    while (len < LEN_NAME && name[len] != 0) {
      len++;
    }
    byte[] digest = new byte[32];
    b.get(OFF_DIGEST, digest);
    in.position(in.position() + SIZE);
    return new TocEntry(
        b.getInt(OFF_FLAGS),
        new String(name, 0, len, StandardCharsets.US_ASCII),
        digest,
        b.getLong(OFF_COMPRESSED_OFFSET),
        b.getLong(OFF_COMPRESSED_SIZE),
        b.getLong(OFF_UNCOMPRESSED_SIZE));
  }
}
