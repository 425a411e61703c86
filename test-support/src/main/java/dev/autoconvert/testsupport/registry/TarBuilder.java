package dev.autoconvert.testsupport.registry;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal POSIX tar writer for test layers: regular files, directories, symlinks, hard links and
 * whiteouts, with fixed owner 0:0 and a fixed mtime so that equal input gives equal bytes. Names
 * longer than the 100-byte ustar field get a PAX {@code path} record. Everything is held in memory:
 * test layers are small.
 */
public final class TarBuilder {
  /** ustar header layout (POSIX.1-1988, pax(1) "ustar Interchange Format"). */
  static final int BLOCK = 512;

  static final int OFF_NAME = 0;
  static final int LEN_NAME = 100;
  static final int OFF_MODE = 100;
  static final int OFF_UID = 108;
  static final int OFF_GID = 116;
  static final int OFF_SIZE = 124;
  static final int OFF_MTIME = 136;
  static final int OFF_CHKSUM = 148;
  static final int LEN_CHKSUM = 8;
  static final int OFF_TYPEFLAG = 156;
  static final int OFF_LINKNAME = 157;
  static final int LEN_LINKNAME = 100;
  static final int OFF_MAGIC = 257;

  /** "ustar" NUL then version "00": the POSIX ustar magic. */
  static final byte[] MAGIC_AND_VERSION = "ustar\u000000".getBytes(StandardCharsets.US_ASCII);

  static final byte TYPE_FILE = '0';
  static final byte TYPE_HARDLINK = '1';
  static final byte TYPE_SYMLINK = '2';
  static final byte TYPE_DIRECTORY = '5';
  static final byte TYPE_PAX = 'x';

  /** 2024-01-01T00:00:00Z, the fixed mtime of every entry. */
  static final long MTIME = 1_704_067_200L;

  /** Whiteout prefix and opaque marker of the OCI image layer spec. */
  public static final String WHITEOUT_PREFIX = ".wh.";

  public static final String OPAQUE_WHITEOUT = ".wh..wh..opq";

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  public TarBuilder directory(String path) {
    return entry(path.endsWith("/") ? path : path + "/", TYPE_DIRECTORY, 0755, new byte[0], "");
  }

  public TarBuilder file(String path, String content) {
    return file(path, content.getBytes(StandardCharsets.UTF_8), 0644);
  }

  public TarBuilder file(String path, byte[] content, int mode) {
    return entry(path, TYPE_FILE, mode, content, "");
  }

  public TarBuilder symlink(String path, String target) {
    return entry(path, TYPE_SYMLINK, 0777, new byte[0], target);
  }

  public TarBuilder hardlink(String path, String target) {
    return entry(path, TYPE_HARDLINK, 0644, new byte[0], target);
  }

  /** Deletes {@code path} of lower layers ({@code dir/.wh.name}). */
  public TarBuilder whiteout(String path) {
    int slash = path.lastIndexOf('/');
    String parent = slash < 0 ? "" : path.substring(0, slash + 1);
    return entry(
        parent + WHITEOUT_PREFIX + path.substring(slash + 1), TYPE_FILE, 0644, new byte[0], "");
  }

  /** Hides everything lower layers have under {@code directory}. */
  public TarBuilder opaque(String directory) {
    String dir = directory.endsWith("/") ? directory : directory + "/";
    return entry(dir + OPAQUE_WHITEOUT, TYPE_FILE, 0644, new byte[0], "");
  }

  /** The archive with its two zero end blocks. */
  public byte[] build() {
    ByteArrayOutputStream result = new ByteArrayOutputStream();
    result.writeBytes(out.toByteArray());
    result.writeBytes(new byte[2 * BLOCK]);
    return result.toByteArray();
  }

  private TarBuilder entry(String path, byte type, int mode, byte[] content, String link) {
    byte[] name = path.getBytes(StandardCharsets.UTF_8);
    byte[] linkName = link.getBytes(StandardCharsets.UTF_8);
    if (linkName.length > LEN_LINKNAME) {
      throw new IllegalArgumentException("link target longer than 100 bytes: " + link);
    }
    if (name.length > LEN_NAME) {
      byte[] record = paxRecord("path", path);
      writeHeader(
          ("PaxHeaders/" + Math.abs(path.hashCode())).getBytes(StandardCharsets.US_ASCII),
          TYPE_PAX,
          0644,
          record.length,
          new byte[0]);
      writePadded(record);
      name = truncate(name);
    }
    writeHeader(name, type, mode, content.length, linkName);
    writePadded(content);
    return this;
  }

  private static byte[] truncate(byte[] name) {
    byte[] cut = new byte[LEN_NAME];
    System.arraycopy(name, 0, cut, 0, LEN_NAME);
    return cut;
  }

  /** A PAX record is "<length> <key>=<value>\n" where length counts the whole record. */
  static byte[] paxRecord(String key, String value) {
    int body = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8).length;
    int length = body + String.valueOf(body).length();
    if (String.valueOf(length).length() != String.valueOf(body).length()) {
      length++;
    }
    return (length + " " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private void writeHeader(byte[] name, byte type, int mode, long size, byte[] linkName) {
    byte[] header = new byte[BLOCK];
    System.arraycopy(name, 0, header, OFF_NAME, name.length);
    octal(header, OFF_MODE, 8, mode);
    octal(header, OFF_UID, 8, 0);
    octal(header, OFF_GID, 8, 0);
    octal(header, OFF_SIZE, 12, size);
    octal(header, OFF_MTIME, 12, MTIME);
    header[OFF_TYPEFLAG] = type;
    System.arraycopy(linkName, 0, header, OFF_LINKNAME, linkName.length);
    System.arraycopy(MAGIC_AND_VERSION, 0, header, OFF_MAGIC, MAGIC_AND_VERSION.length);
    // The checksum is computed with its own field read as eight spaces.
    for (int i = 0; i < LEN_CHKSUM; i++) {
      header[OFF_CHKSUM + i] = ' ';
    }
    long sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    byte[] digits = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(digits, 0, header, OFF_CHKSUM, 6);
    header[OFF_CHKSUM + 6] = 0;
    out.writeBytes(header);
  }

  /** Zero-padded octal digits followed by a NUL, filling {@code length} bytes. */
  private static void octal(byte[] header, int offset, int length, long value) {
    String digits = Long.toOctalString(value);
    if (digits.length() > length - 1) {
      throw new IllegalArgumentException("value " + value + " does not fit a tar field");
    }
    String padded = "0".repeat(length - 1 - digits.length()) + digits;
    System.arraycopy(padded.getBytes(StandardCharsets.US_ASCII), 0, header, offset, length - 1);
  }

  private void writePadded(byte[] content) {
    out.writeBytes(content);
    int rest = content.length % BLOCK;
    if (rest != 0) {
      out.writeBytes(new byte[BLOCK - rest]);
    }
  }
}
