package dev.autoconvert.format.blob;

import dev.autoconvert.format.FormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code BlobCompressionContextHeader}: the 4096-byte header right after the CI array
 * (NYDUS-FORMAT.md §3.4). Never compressed.
 */
record CiHeader(
    int features,
    int ciCompressor,
    int entries,
    long ciOffset,
    long ciCompressedSize,
    long ciUncompressedSize) {
  static final int SIZE = 4096;

  static final int MAGIC = 0xB10BB10B;

  static final int OFF_MAGIC = 0;
  static final int OFF_FEATURES = 4;
  static final int OFF_CI_COMPRESSOR = 8;
  static final int OFF_CI_ENTRIES = 12;
  static final int OFF_CI_OFFSET = 16;
  static final int OFF_CI_COMPRESSED_SIZE = 24;
  static final int OFF_CI_UNCOMPRESSED_SIZE = 32;

  /**
   * ZRAN context (CI v2 with ZRAN or batch only): where it starts inside the uncompressed CI data,
   * its size and its entry count. We write zeros; {@link BlobMetaFile} reads them from upstream
   * files.
   */
  static final int OFF_ZRAN_OFFSET = 40;

  static final int OFF_ZRAN_SIZE = 48;
  static final int OFF_ZRAN_COUNT = 56;

  /** The reserved area up to here stays zero. */
  static final int OFF_MAGIC2 = 4092;

  /** Name, as upstream spells it, of the header field holding byte {@code offset}. */
  static String fieldAt(int offset) {
    if (offset < OFF_FEATURES) {
      return "magic";
    } else if (offset < OFF_CI_COMPRESSOR) {
      return "features";
    } else if (offset < OFF_CI_ENTRIES) {
      return "ci_compressor";
    } else if (offset < OFF_CI_OFFSET) {
      return "ci_entries";
    } else if (offset < OFF_CI_COMPRESSED_SIZE) {
      return "ci_offset";
    } else if (offset < OFF_CI_UNCOMPRESSED_SIZE) {
      return "ci_compressed_size";
    } else if (offset < OFF_ZRAN_OFFSET) {
      return "ci_uncompressed_size";
    } else if (offset < OFF_ZRAN_SIZE) {
      return "zran_offset";
    } else if (offset < OFF_ZRAN_COUNT) {
      return "zran_size";
    } else if (offset < OFF_ZRAN_COUNT + 4) {
      return "zran_count";
    }
    return offset < OFF_MAGIC2 ? "reserved" : "magic2";
  }

  byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(OFF_MAGIC, MAGIC);
    b.putInt(OFF_FEATURES, features);
    b.putInt(OFF_CI_COMPRESSOR, ciCompressor);
    b.putInt(OFF_CI_ENTRIES, entries);
    b.putLong(OFF_CI_OFFSET, ciOffset);
    b.putLong(OFF_CI_COMPRESSED_SIZE, ciCompressedSize);
    b.putLong(OFF_CI_UNCOMPRESSED_SIZE, ciUncompressedSize);
    b.putInt(OFF_MAGIC2, MAGIC);
    return b.array();
  }

  static CiHeader decode(byte[] data, String where) throws FormatException {
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    int magic = b.getInt(OFF_MAGIC);
    int magic2 = b.getInt(OFF_MAGIC2);
    if (magic != MAGIC || magic2 != MAGIC) {
      throw new FormatException(
          String.format(
              "%s: CI header magic expected 0x%08x at 0 and 4092, found 0x%08x and 0x%08x",
              where, MAGIC, magic, magic2));
    }
    return new CiHeader(
        b.getInt(OFF_FEATURES),
        b.getInt(OFF_CI_COMPRESSOR),
        b.getInt(OFF_CI_ENTRIES),
        b.getLong(OFF_CI_OFFSET),
        b.getLong(OFF_CI_COMPRESSED_SIZE),
        b.getLong(OFF_CI_UNCOMPRESSED_SIZE));
  }
}
