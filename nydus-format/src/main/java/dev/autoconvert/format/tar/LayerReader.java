package dev.autoconvert.format.tar;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarUtils;

/**
 * Streams the entries of one image layer (tar, tar+gzip or tar+zstd) without holding it in memory.
 *
 * <p>The block loop is ours so that untrusted sizes are checked before anything is read (PAX and
 * GNU long-name headers, commons-compress reads those unbounded), binary xattr values survive, and
 * archives that stop without padding and end-of-archive blocks are accepted like Go's archive/tar
 * does (umoci insert writes those). Header decoding and checksums are commons-compress's.
 */
public final class LayerReader implements Closeable {
  /** Tar block size (POSIX ustar). */
  private static final int BLOCK = 512;

  /** Offset of the typeflag byte in a ustar header. */
  private static final int OFF_TYPEFLAG = 156;

  private static final byte[] GZIP_MAGIC = {0x1f, (byte) 0x8b};
  private static final byte[] ZSTD_MAGIC = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};

  private final String layer;
  private final SourceStream source;
  private final LayerLimits limits;
  private final UncompressedStream tar;
  private final InputStream in;
  private final byte[] header = new byte[BLOCK];
  private final Map<String, Seen> seen = new HashMap<>();
  private long offset;
  private long entries;
  private volatile String current; // name of the last entry returned; null before the first
  private long dataRemaining;
  private int padding;
  private boolean ended;

  private LayerReader(
      String layer,
      LayerLimits limits,
      SourceStream source,
      InputStream decompressed,
      String codec,
      boolean readAhead)
      throws TarException {
    this.layer = layer;
    this.source = source;
    this.limits = limits;
    this.tar = new UncompressedStream(decompressed, codec);
    this.in =
        new EntryNaming(
            readAhead ? new ReadAheadStream(tar, layer) : new BufferedInputStream(tar, 1 << 16));
  }

  /**
   * Opens a layer. The compression is recognised by its magic bytes; a media type that declares
   * gzip or zstd for data without that magic is rejected.
   *
   * @param layerName how errors name the layer (its digest, usually)
   */
  public static LayerReader open(
      InputStream layer, String mediaTypeOrNull, String layerName, LayerLimits limits)
      throws IOException {
    return open(layer, mediaTypeOrNull, layerName, limits, false);
  }

  /**
   * As {@link #open(InputStream, String, String, LayerLimits)}; with {@code readAhead} the layer is
   * decompressed on a thread of its own (one more core busy, a few MiB of buffer).
   */
  public static LayerReader open(
      InputStream layer,
      String mediaTypeOrNull,
      String layerName,
      LayerLimits limits,
      boolean readAhead)
      throws IOException {
    SourceStream source = new SourceStream(layer);
    BufferedInputStream raw = new BufferedInputStream(source, 1 << 16);
    raw.mark(ZSTD_MAGIC.length);
    byte[] magic = raw.readNBytes(ZSTD_MAGIC.length);
    raw.reset();
    String declared = declaredCompression(mediaTypeOrNull);
    try {
      if (startsWith(magic, GZIP_MAGIC)) {
        // The JDK's stream (zlib, multi-member) with a large buffer: fewer native calls than
        // commons-compress's 8 KiB one, which the benchmark showed.
        InputStream gz = new GZIPInputStream(raw, 1 << 16);
        return new LayerReader(layerName, limits, source, gz, "gzip", readAhead);
      }
      if (startsWith(magic, ZSTD_MAGIC)) {
        return new LayerReader(
            layerName, limits, source, new ZstdInputStreamNoFinalizer(raw), "zstd", readAhead);
      }
    } catch (IOException e) {
      if (source.failure != null) {
        throw e;
      }
      throw new TarException(layerName + ": corrupt compressed layer: " + e.getMessage(), e);
    }
    if (declared != null) {
      throw new TarException(
          layerName
              + ": media type "
              + mediaTypeOrNull
              + " declares "
              + declared
              + " but the data does not start with the "
              + declared
              + " magic (first bytes "
              + HexFormat.of().formatHex(magic)
              + ")");
    }
    return new LayerReader(layerName, limits, source, raw, "tar", readAhead);
  }

  private static String declaredCompression(String mediaType) {
    if (mediaType == null) {
      return null;
    }
    if (mediaType.endsWith("gzip")) {
      return "gzip";
    }
    if (mediaType.endsWith("zstd")) {
      return "zstd";
    }
    return null;
  }

  private static boolean startsWith(byte[] data, byte[] prefix) {
    if (data.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (data[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** The next object of the layer, or null at the end of the archive. */
  public TarItem next() throws IOException {
    if (ended) {
      return null;
    }
    skipCurrent();
    if (ended) {
      return null;
    }
    Map<String, byte[]> pax = Map.of();
    String longName = null;
    String longLink = null;
    while (true) {
      long headerOffset = offset;
      int n = readFully(header, 0, BLOCK);
      if (n == 0 || (n == BLOCK && allZero(header))) {
        finishArchive();
        return null;
      }
      if (n < BLOCK) {
        throw new TarException(
            layer
                + ": archive ends inside the tar header at offset "
                + headerOffset
                + " after entry "
                + currentEntry()
                + " ("
                + n
                + " of 512 bytes)");
      }
      if (!TarUtils.verifyCheckSum(header)) {
        throw new TarException(
            layer
                + ": bad tar header checksum at offset "
                + headerOffset
                + " (entry '"
                + rawName(header)
                + "' after "
                + currentEntry()
                + ")");
      }
      if (++entries > limits.maxEntries()) {
        throw new TarException(layer + ": more than " + limits.maxEntries() + " tar entries");
      }
      TarArchiveEntry e;
      try {
        e = new TarArchiveEntry(header, AsciiFirstUtf8.INSTANCE, false);
      } catch (IOException | RuntimeException ex) {
        throw new TarException(
            layer + ": unreadable tar header at offset " + headerOffset + ": " + ex.getMessage(),
            ex);
      }
      byte type = header[OFF_TYPEFLAG];
      if (type != 'x' && type != 'g' && type != 'L' && type != 'K') {
        return item(e, type, headerOffset, pax, longName, longLink);
      }
      String where = layer + ": entry '" + e.getName() + "' at offset " + headerOffset;
      switch (type) {
        case 'x' -> {
          if (pax.isEmpty()) {
            pax = new HashMap<>();
          }
          pax.putAll(PaxRecords.parse(readExtension(e, where), (int) e.getSize(), where));
        }
        case 'g' -> readExtension(e, where); // global PAX defaults: ignored, as the brief allows
        case 'L' -> longName = readLongName(e, where);
        default -> longLink = readLongName(e, where);
      }
    }
  }

  private TarItem item(
      TarArchiveEntry e,
      byte type,
      long headerOffset,
      Map<String, byte[]> pax,
      String longName,
      String longLink)
      throws IOException {
    String name = pax.containsKey("path") ? utf8(pax.get("path")) : longName;
    if (name == null) {
      name = e.getName();
    }
    String where = layer + ": entry '" + name + "' at offset " + headerOffset;
    String link = pax.containsKey("linkpath") ? utf8(pax.get("linkpath")) : longLink;
    if (link == null) {
      link = e.getLinkName();
    }
    TarItem.Kind kind =
        switch (type) {
          case '0', 0 -> TarItem.Kind.REGULAR;
          case '1' -> TarItem.Kind.HARDLINK;
          case '2' -> TarItem.Kind.SYMLINK;
          case '3' -> TarItem.Kind.CHAR_DEVICE;
          case '4' -> TarItem.Kind.BLOCK_DEVICE;
          case '5' -> TarItem.Kind.DIRECTORY;
          case '6' -> TarItem.Kind.FIFO;
          default ->
              throw new TarException(
                  where + ": unsupported tar entry type '" + (char) type + "'" + typeHint(type));
        };
    String path = TarPaths.normalize(name, limits, where);
    current = name;
    long size = pax.containsKey("size") ? number(pax.get("size"), "size", where) : e.getSize();
    long uid = pax.containsKey("uid") ? number(pax.get("uid"), "uid", where) : e.getLongUserId();
    long gid = pax.containsKey("gid") ? number(pax.get("gid"), "gid", where) : e.getLongGroupId();
    long mtime = e.getModTime().getTime() / 1000;
    int mtimeNanos = 0;
    if (pax.containsKey("mtime")) {
      String value = utf8(pax.get("mtime"));
      int dot = value.indexOf('.');
      mtime = number(dot < 0 ? value : value.substring(0, dot), "mtime", where);
      if (dot >= 0) {
        String frac = (value.substring(dot + 1) + "000000000").substring(0, 9);
        mtimeNanos = (int) number(frac, "mtime", where);
      }
    }
    SortedMap<String, byte[]> xattrs =
        pax.isEmpty() ? Collections.emptySortedMap() : new TreeMap<>();
    for (Map.Entry<String, byte[]> record : pax.entrySet()) {
      String key = record.getKey();
      if (key.startsWith("SCHILY.xattr.")) {
        String xattr = key.substring("SCHILY.xattr.".length());
        // Namespaces EROFS cannot store (e.g. bare macOS names) are dropped, as containerd does
        // when the kernel refuses them on unpack.
        if (storableXattr(xattr)) {
          xattrs.put(xattr, record.getValue());
        }
      } else if (key.startsWith("GNU.sparse.")) {
        throw new TarException(where + ": GNU sparse files are not supported");
      }
    }
    // Whatever data the header declares is in the archive, even for types that do not use it.
    dataRemaining = size;
    padding = (int) ((BLOCK - size % BLOCK) % BLOCK);
    if (kind != TarItem.Kind.REGULAR) {
      size = 0;
    }
    String target = null;
    switch (kind) {
      case REGULAR -> seen.put(path, new Seen(kind, path));
      case HARDLINK -> {
        target = hardlinkTarget(path, link, where);
        seen.put(path, new Seen(kind, target));
      }
      case SYMLINK -> {
        if (link.isEmpty()) {
          throw new TarException(where + ": symlink with an empty target");
        }
        if (link.getBytes(StandardCharsets.UTF_8).length > limits.maxPathLength()) {
          throw new TarException(
              where + ": symlink target longer than " + limits.maxPathLength() + " bytes");
        }
        target = link;
        seen.put(path, new Seen(kind, null));
      }
      default -> seen.put(path, new Seen(kind, null));
    }
    InputStream data =
        kind == TarItem.Kind.REGULAR ? new EntryData(where) : InputStream.nullInputStream();
    return new TarItem(
        path,
        kind,
        e.getMode() & 07777,
        uid,
        gid,
        mtime,
        mtimeNanos,
        size,
        target,
        e.getDevMajor(),
        e.getDevMinor(),
        xattrs,
        data);
  }

  private static boolean storableXattr(String name) {
    return name.startsWith("user.")
        || name.startsWith("trusted.")
        || name.startsWith("security.")
        || name.equals("system.posix_acl_access")
        || name.equals("system.posix_acl_default");
  }

  private String hardlinkTarget(String path, String link, String where) throws TarException {
    if (link.isEmpty()) {
      throw new TarException(where + ": hardlink without a target");
    }
    String target = TarPaths.normalize(link, limits, where + " (hardlink target)");
    Seen earlier = seen.get(target);
    if (earlier == null || target.equals(path)) {
      throw new TarException(
          where + ": hardlink to '" + link + "', which is not an earlier entry of the layer");
    }
    if (earlier.firstName() == null) {
      throw new TarException(
          where
              + ": hardlink to '"
              + link
              + "', which is a "
              + earlier.kind().name().toLowerCase()
              + ", not a regular file");
    }
    return earlier.firstName();
  }

  /** An earlier entry's kind and, for a regular file or hardlink, its file's first name. */
  private record Seen(TarItem.Kind kind, String firstName) {}

  /** The last entry returned, for messages. */
  private String currentEntry() {
    String name = current;
    return name == null ? "(start of archive)" : "'" + name + "'";
  }

  private static String typeHint(byte type) {
    return switch (type) {
      case 'S' -> " (GNU sparse file)";
      case '7' -> " (contiguous file)";
      case 'V' -> " (GNU volume header)";
      case 'M' -> " (GNU multi-volume continuation)";
      default -> "";
    };
  }

  private byte[] readExtension(TarArchiveEntry e, String where) throws IOException {
    long size = e.getSize();
    if (size > limits.maxPaxHeaderSize()) {
      throw new TarException(
          where
              + ": PAX extended header of "
              + size
              + " bytes exceeds the limit of "
              + limits.maxPaxHeaderSize()
              + " bytes");
    }
    byte[] data = new byte[(int) size];
    readPayload(data, where);
    return data;
  }

  private String readLongName(TarArchiveEntry e, String where) throws IOException {
    long size = e.getSize();
    if (size > limits.maxPathLength() + 1L) {
      throw new TarException(
          where
              + ": GNU long name of "
              + size
              + " bytes exceeds the limit of "
              + limits.maxPathLength()
              + " bytes");
    }
    byte[] data = new byte[(int) size];
    readPayload(data, where);
    int end = 0;
    while (end < data.length && data[end] != 0) {
      end++;
    }
    return new String(data, 0, end, StandardCharsets.UTF_8);
  }

  private void readPayload(byte[] data, String where) throws IOException {
    int pad = (BLOCK - data.length % BLOCK) % BLOCK;
    if (readFully(data, 0, data.length) < data.length || skip(pad) < pad) {
      throw new TarException(where + ": archive ends inside an extended header");
    }
  }

  private static long number(byte[] value, String field, String where) throws TarException {
    return number(utf8(value), field, where);
  }

  private static long number(String value, String field, String where) throws TarException {
    try {
      long n = Long.parseLong(value.trim());
      if (n < 0) {
        throw new NumberFormatException("negative");
      }
      return n;
    } catch (NumberFormatException ex) {
      throw new TarException(where + ": PAX " + field + " '" + value + "' is not a number");
    }
  }

  private static String utf8(byte[] value) {
    return new String(value, StandardCharsets.UTF_8);
  }

  private static String rawName(byte[] block) {
    int end = 0;
    while (end < 100 && block[end] != 0) {
      end++;
    }
    return new String(block, 0, end, StandardCharsets.UTF_8);
  }

  private static boolean allZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  /** Skips what the consumer left of the current entry's data, then its padding. */
  private void skipCurrent() throws IOException {
    if (dataRemaining > 0) {
      long want = dataRemaining;
      long skipped = skip(want);
      dataRemaining = 0;
      if (skipped < want) {
        throw new TarException(
            layer
                + ": archive ends inside the data of entry "
                + currentEntry()
                + " ("
                + (want - skipped)
                + " bytes missing)");
      }
    }
    if (padding > 0) {
      int want = padding;
      padding = 0;
      if (skip(want) < want) {
        // The data was complete but the archive stops without padding and end blocks.
        finishArchive();
      }
    }
  }

  private void finishArchive() throws IOException {
    ended = true;
    byte[] sink = new byte[1 << 16];
    while (in.read(sink) >= 0) {
      // Trailing blocks count towards the uncompressed size.
    }
  }

  private int readFully(byte[] b, int off, int len) throws IOException {
    int total = 0;
    while (total < len) {
      int n = in.read(b, off + total, len - total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    offset += total;
    return total;
  }

  private long skip(long n) throws IOException {
    long total = 0;
    byte[] sink = null;
    while (total < n) {
      long s = in.skip(n - total);
      if (s <= 0) {
        if (sink == null) {
          sink = new byte[(int) Math.min(1 << 16, n - total)];
        }
        int r = in.read(sink, 0, (int) Math.min(sink.length, n - total));
        if (r < 0) {
          break;
        }
        s = r;
      }
      total += s;
    }
    offset += total;
    return total;
  }

  /** Bytes of uncompressed tar read so far (all of it once {@link #next()} returned null). */
  public long uncompressedSize() {
    return tar.count;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** Data of the current regular file; fails when the archive ends early. */
  private final class EntryData extends BlockReadStream {
    private final String where;

    EntryData(String where) {
      this.where = where;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (dataRemaining == 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, dataRemaining));
      if (n < 0) {
        throw new TarException(
            where + ": archive ends inside the file data (" + dataRemaining + " bytes missing)");
      }
      dataRemaining -= n;
      offset += n;
      return n;
    }
  }

  /** Counts the uncompressed tar; turns decompressor failures into named errors. */
  private final class UncompressedStream extends BlockReadStream {
    private final InputStream decompressed;
    private final String codec;
    private long count;

    UncompressedStream(InputStream decompressed, String codec) {
      this.decompressed = decompressed;
      this.codec = codec;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n;
      try {
        n = decompressed.read(b, off, len);
      } catch (IOException e) {
        if (source.failure != null) {
          throw e; // the transport failed, not the data
        }
        throw new DataError(
            "corrupt " + codec + " data at uncompressed offset " + count + ": " + e.getMessage(),
            e);
      }
      if (n > 0) {
        count += n;
        if (count > limits.maxUncompressedSize()) {
          throw new DataError(
              "uncompressed layer larger than " + limits.maxUncompressedSize() + " bytes", null);
        }
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      decompressed.close();
    }
  }

  /**
   * A problem with the uncompressed stream, found where it is produced (maybe on the read-ahead
   * thread); {@link EntryNaming} names the layer and entry where the parser meets it.
   */
  private static final class DataError extends IOException {
    DataError(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Turns a {@link DataError} into a message naming the layer and the entry being read. */
  private final class EntryNaming extends java.io.FilterInputStream {
    EntryNaming(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (DataError e) {
        throw named(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (DataError e) {
        throw named(e);
      }
    }

    @Override
    public long skip(long n) throws IOException {
      try {
        return super.skip(n);
      } catch (DataError e) {
        throw named(e);
      }
    }

    private TarException named(DataError e) {
      return new TarException(
          layer + ": " + e.getMessage() + " (in or after entry " + currentEntry() + ")",
          e.getCause());
    }
  }

  /** Remembers a failure of the underlying transport, to tell it apart from corrupt data. */
  private static final class SourceStream extends InputStream {
    private final InputStream delegate;
    private IOException failure;

    SourceStream(InputStream delegate) {
      this.delegate = delegate;
    }

    @Override
    public int read() throws IOException {
      try {
        return delegate.read();
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return delegate.read(b, off, len);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }
  }
}
