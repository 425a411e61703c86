package dev.autoconvert.format.layout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Little-endian helpers shared by the on-disk structs: every RAFS v6 integer is little-endian. */
public final class Bytes {

  /** RAFS v6 block size (blkszbits 12); tarfs mode's 512-byte blocks are not supported. */
  public static final int BLOCK_SIZE = 4096;

  private Bytes() {}

  public static ByteBuffer buffer(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  public static ByteBuffer wrap(byte[] bytes) {
    return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  public static int u8(ByteBuffer b, int at) {
    return b.get(at) & 0xff;
  }

  public static int u16(ByteBuffer b, int at) {
    return b.getShort(at) & 0xffff;
  }

  public static long u32(ByteBuffer b, int at) {
    return b.getInt(at) & 0xffffffffL;
  }

  public static long roundUp(long value, long multiple) {
    return (value + multiple - 1) / multiple * multiple;
  }

  /** Writes an ASCII id NUL padded into a fixed-size field (device tags, blob ids). */
  public static void putFixedAscii(ByteBuffer b, int at, int fieldSize, String text) {
    byte[] ascii = text.getBytes(StandardCharsets.US_ASCII);
    if (ascii.length > fieldSize) {
      throw new IllegalArgumentException(
          "'" + text + "' is longer than its " + fieldSize + "-byte field");
    }
    b.put(at, ascii);
  }

  /** Reads a NUL-padded ASCII field. */
  public static String fixedAscii(ByteBuffer b, int at, int fieldSize) {
    byte[] field = new byte[fieldSize];
    b.get(at, field);
    int end = 0;
    while (end < fieldSize && field[end] != 0) {
      end++;
    }
    return new String(field, 0, end, StandardCharsets.US_ASCII);
  }

  public static byte[] slice(ByteBuffer b, int at, int length) {
    byte[] out = new byte[length];
    b.get(at, out);
    return out;
  }

  public static boolean allZero(byte[] bytes) {
    return Arrays.equals(bytes, new byte[bytes.length]);
  }
}
