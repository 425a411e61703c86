package dev.autoconvert.format;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipEncodingHelper;

/** Builds layer tars in tests with commons-compress, plus raw PAX records it cannot write. */
public final class TestTar {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream prefix = new ByteArrayOutputStream();
  private final TarArchiveOutputStream tar;
  private long mtime = 1_700_000_000L;

  public TestTar() {
    this(TarArchiveOutputStream.LONGFILE_POSIX);
  }

  public TestTar(int longFileMode) {
    tar = new TarArchiveOutputStream(bytes, "UTF-8");
    tar.setLongFileMode(longFileMode);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
  }

  public static TestTar gnu() {
    return new TestTar(TarArchiveOutputStream.LONGFILE_GNU);
  }

  public TestTar dir(String name, int mode) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_DIR);
    e.setMode(mode);
    return put(e, new byte[0]);
  }

  public TestTar file(String name, int mode, byte[] data) {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setMode(mode);
    e.setSize(data.length);
    return put(e, data);
  }

  public TestTar file(String name, String text) {
    return file(name, 0644, text.getBytes(StandardCharsets.UTF_8));
  }

  public TestTar owned(String name, int mode, long uid, long gid, byte[] data) {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setMode(mode);
    e.setSize(data.length);
    e.setUserId(uid);
    e.setGroupId(gid);
    return put(e, data);
  }

  public TestTar symlink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
    e.setLinkName(target);
    e.setMode(0777);
    return put(e, new byte[0]);
  }

  public TestTar hardlink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK);
    e.setLinkName(target);
    e.setMode(0644);
    return put(e, new byte[0]);
  }

  public TestTar device(String name, boolean block, int major, int minor) {
    TarArchiveEntry e =
        new TarArchiveEntry(name, block ? TarConstants.LF_BLK : TarConstants.LF_CHR);
    e.setMode(0600);
    e.setDevMajor(major);
    e.setDevMinor(minor);
    return put(e, new byte[0]);
  }

  public TestTar fifo(String name) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_FIFO);
    e.setMode(0644);
    return put(e, new byte[0]);
  }

  /** A PAX 'x' header with raw record values; applies to the next entry. */
  public TestTar pax(Map<String, byte[]> records) {
    return extension(TarConstants.LF_PAX_EXTENDED_HEADER_LC, "PaxHeaders/next", records);
  }

  /** A PAX global header 'g' at the start of the archive (commons-compress cannot write one). */
  public TestTar globalPax(Map<String, byte[]> records) {
    byte[] body = paxBody(records);
    TarArchiveEntry e =
        new TarArchiveEntry("GlobalHead.0", TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER);
    e.setSize(body.length);
    byte[] header = new byte[512];
    try {
      e.writeEntryHeader(header, ZipEncodingHelper.getZipEncoding(StandardCharsets.UTF_8), false);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    prefix.writeBytes(header);
    prefix.writeBytes(body);
    prefix.writeBytes(new byte[(512 - body.length % 512) % 512]);
    return this;
  }

  public static Map<String, byte[]> xattrs(Object... keyValues) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      Object v = keyValues[i + 1];
      m.put(
          "SCHILY.xattr." + keyValues[i],
          v instanceof byte[] b ? b : v.toString().getBytes(StandardCharsets.UTF_8));
    }
    return m;
  }

  private TestTar extension(byte type, String name, Map<String, byte[]> records) {
    byte[] body = paxBody(records);
    TarArchiveEntry e = new TarArchiveEntry(name, type);
    e.setSize(body.length);
    return put(e, body);
  }

  private static byte[] paxBody(Map<String, byte[]> records) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Map.Entry<String, byte[]> r : records.entrySet()) {
      byte[] key = r.getKey().getBytes(StandardCharsets.UTF_8);
      int rest = 1 + key.length + 1 + r.getValue().length + 1; // ' ' key '=' value '\n'
      int len = rest + 1;
      while (len != rest + Integer.toString(len).length()) {
        len = rest + Integer.toString(len).length();
      }
      body.writeBytes((len + " ").getBytes(StandardCharsets.US_ASCII));
      body.writeBytes(key);
      body.write('=');
      body.writeBytes(r.getValue());
      body.write('\n');
    }
    return body.toByteArray();
  }

  private TestTar put(TarArchiveEntry e, byte[] data) {
    try {
      e.setModTime(mtime * 1000);
      tar.putArchiveEntry(e);
      tar.write(data);
      tar.closeArchiveEntry();
      return this;
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /** The archive with its two end-of-archive blocks (padded to 10 KiB records). */
  public byte[] build() {
    try {
      tar.finish();
      tar.close();
      prefix.writeBytes(bytes.toByteArray());
      return prefix.toByteArray();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  public static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return out.toByteArray();
  }

  public static byte[] zstd(byte[] data) {
    return Zstd.compress(data, 3);
  }
}
