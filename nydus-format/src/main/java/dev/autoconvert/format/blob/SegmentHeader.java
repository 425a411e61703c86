package dev.autoconvert.format.blob;

import dev.autoconvert.format.FormatException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.commons.compress.archivers.tar.TarUtils;

/**
 * The 512-byte GNU tar header that follows every segment of a Nydus blob (NYDUS-FORMAT.md §3.2),
 * shaped as the Rust tar crate writes it: name, size, zero mtime, checksum, typeflag '0', GNU
 * magic; every other field NUL.
 */
final class SegmentHeader {
  static final int SIZE = 512;

  /** name: NUL-padded segment name. */
  static final int OFF_NAME = 0;

  static final int LEN_NAME = 100;

  /** size: 11 octal digits + NUL (GNU base-256 beyond 8 GiB). */
  static final int OFF_SIZE = 124;

  static final int LEN_SIZE = 12;

  /** mtime: "00000000000" + NUL, nydus writes epoch. */
  static final int OFF_MTIME = 136;

  static final int LEN_MTIME = 12;

  /** chksum: 7 octal digits + NUL, computed with the field as 8 spaces. */
  static final int OFF_CHKSUM = 148;

  static final int LEN_CHKSUM = 8;

  /** typeflag: '0' regular file. */
  static final int OFF_TYPEFLAG = 156;

  /** magic + version: GNU "ustar " " \0"; nydusd requires it on the TOC header. */
  static final int OFF_MAGIC = 257;

  static final byte[] GNU_MAGIC = "ustar  \0".getBytes(StandardCharsets.US_ASCII);

  static final String IMAGE_BLOB = "image.blob";
  static final String BLOB_META = "blob.meta";
  static final String BLOB_DIGEST = "blob.digest";
  static final String IMAGE_BOOT = "image.boot";
  static final String TOC = "rafs.blob.toc";

  /** Largest size the 11 octal digits can hold. */
  private static final long MAX_OCTAL = 077777777777L;

  private SegmentHeader() {}

  static byte[] encode(String name, long size) {
    byte[] h = new byte[SIZE];
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(n, 0, h, OFF_NAME, n.length);
    if (size <= MAX_OCTAL) {
      octal(h, OFF_SIZE, LEN_SIZE - 1, size);
    } else {
      h[OFF_SIZE] = (byte) 0x80; // GNU base-256: flag byte, then big-endian
      for (int i = 0; i < 8; i++) {
        h[OFF_SIZE + LEN_SIZE - 1 - i] = (byte) (size >>> (8 * i));
      }
    }
    octal(h, OFF_MTIME, LEN_MTIME - 1, 0);
    h[OFF_TYPEFLAG] = '0';
    System.arraycopy(GNU_MAGIC, 0, h, OFF_MAGIC, GNU_MAGIC.length);
    Arrays.fill(h, OFF_CHKSUM, OFF_CHKSUM + LEN_CHKSUM, (byte) ' ');
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    Arrays.fill(h, OFF_CHKSUM, OFF_CHKSUM + LEN_CHKSUM, (byte) 0);
    octal(h, OFF_CHKSUM, LEN_CHKSUM - 1, sum);
    return h;
  }

  private static void octal(byte[] h, int off, int digits, long value) {
    String s = Long.toOctalString(value);
    for (int i = 0; i < digits; i++) {
      int from = s.length() - digits + i;
      h[off + i] = from < 0 ? (byte) '0' : (byte) s.charAt(from);
    }
  }

  /** Name and size of the segment before the header at {@code offset} in {@code blob}. */
  static Segment decode(byte[] h, long offset, String blob) throws FormatException {
    String where = blob + ": segment header at offset " + offset;
    if (!TarUtils.verifyCheckSum(h)) {
      throw new FormatException(where + ": bad tar header checksum");
    }
    if (!Arrays.equals(
        h, OFF_MAGIC, OFF_MAGIC + GNU_MAGIC.length, GNU_MAGIC, 0, GNU_MAGIC.length)) {
      throw new FormatException(where + ": expected GNU tar magic \"ustar  \\0\"");
    }
    if (h[OFF_TYPEFLAG] != '0') {
      throw new FormatException(
          where + ": expected typeflag '0', found '" + (char) h[OFF_TYPEFLAG] + "'");
    }
    int end = OFF_NAME;
    while (end < LEN_NAME && h[end] != 0) {
      end++;
    }
    String name = new String(h, OFF_NAME, end, StandardCharsets.US_ASCII);
    long size;
    try {
      size = TarUtils.parseOctalOrBinary(h, OFF_SIZE, LEN_SIZE);
    } catch (IllegalArgumentException e) {
      throw new FormatException(where + " ('" + name + "'): unreadable size field", e);
    }
    long start = offset - size;
    if (size < 0 || start < 0) {
      throw new FormatException(
          where + " ('" + name + "'): size " + size + " reaches before the start of the blob");
    }
    return new Segment(name, start, size);
  }

  /** One segment of a blob: its data range, which the header after it describes. */
  record Segment(String name, long offset, long size) {}
}
