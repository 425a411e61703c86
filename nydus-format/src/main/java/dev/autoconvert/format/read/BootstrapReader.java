package dev.autoconvert.format.read;

import dev.autoconvert.format.Compressor;
import dev.autoconvert.format.Digester;
import dev.autoconvert.format.FormatException;
import dev.autoconvert.format.layout.BlobTableEntry;
import dev.autoconvert.format.layout.Bytes;
import dev.autoconvert.format.layout.ChunkIndex;
import dev.autoconvert.format.layout.ChunkInfo;
import dev.autoconvert.format.layout.CompactInode;
import dev.autoconvert.format.layout.DeviceSlot;
import dev.autoconvert.format.layout.Dirent;
import dev.autoconvert.format.layout.ExtSuperblock;
import dev.autoconvert.format.layout.ExtendedInode;
import dev.autoconvert.format.layout.Superblock;
import dev.autoconvert.format.layout.XattrEntry;
import dev.autoconvert.format.layout.XattrHeader;
import dev.autoconvert.format.tree.BlobInfo;
import dev.autoconvert.format.tree.Chunk;
import dev.autoconvert.format.tree.Entry;
import dev.autoconvert.format.tree.FileType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Parses RAFS v6 bootstraps, ours and upstream's (NYDUS-FORMAT.md §1): magic first, then version
 * and features, then sizes and table bounds, then the tree from the root nid. Every violation is a
 * {@link FormatException} naming the resource, the offset, what was expected and what was found.
 */
public final class BootstrapReader {

  /** Refuses trees deeper than this: real images stay far below, cycles do not. */
  private static final int MAX_DEPTH = 4096;

  private final ByteBuffer buf;
  private final String resource;
  private Superblock sb;
  private ExtSuperblock ext;
  private long metaAddr;
  private List<BlobInfo> blobs;
  private final Map<Long, ChunkInfo> chunksByAddress = new HashMap<>();

  private BootstrapReader(byte[] bytes, String resource) {
    this.buf = Bytes.wrap(bytes);
    this.resource = resource;
  }

  public static Bootstrap read(byte[] bootstrap) throws FormatException {
    return read(bootstrap, "bootstrap");
  }

  /** {@code resource} names the bootstrap in error messages (a file name, a blob digest). */
  public static Bootstrap read(byte[] bootstrap, String resource) throws FormatException {
    return new BootstrapReader(bootstrap, resource).read();
  }

  private Bootstrap read() throws FormatException {
    need(Superblock.OFFSET, Superblock.SIZE, "EROFS superblock");
    int magic = Superblock.magicAt(buf, Superblock.OFFSET);
    if (magic != Superblock.MAGIC) {
      throw fail(
          Superblock.OFFSET,
          "EROFS magic",
          hex(Superblock.MAGIC & 0xffffffffL),
          hex(magic & 0xffffffffL));
    }
    sb = Superblock.decode(buf, Superblock.OFFSET);
    checkSuperblock();
    need(ExtSuperblock.OFFSET, ExtSuperblock.SIZE, "nydus extended superblock");
    ext = ExtSuperblock.decode(buf, ExtSuperblock.OFFSET);
    checkExtSuperblock();
    checkSizes();

    List<DeviceSlot> devices = new ArrayList<>();
    for (int i = 0; i < sb.extraDevices(); i++) {
      int at = DeviceSlot.TABLE_OFFSET + i * DeviceSlot.SIZE;
      DeviceSlot slot = DeviceSlot.decode(buf, at);
      if (slot.blocks() == 0) {
        throw fail(at + DeviceSlot.OFF_BLOCKS, "device slot " + i + " blocks", "non-zero", 0);
      }
      devices.add(slot);
    }
    blobs = readBlobTable();
    List<Long> prefetch = new ArrayList<>();
    for (long i = 0; i < ext.prefetchTableSize() / 4; i++) {
      prefetch.add(Bytes.u32(buf, (int) (ext.prefetchTableOffset() + 4 * i)));
    }
    readChunkTable();
    metaAddr = sb.metaBlkaddr() * Bytes.BLOCK_SIZE;
    List<Entry> entries = new ArrayList<>();
    Map<String, InodeInfo> inodes = new LinkedHashMap<>();
    walk(entries, inodes);
    return new Bootstrap(sb, ext, devices, blobs, prefetch, entries, inodes);
  }

  private void checkSuperblock() throws FormatException {
    int at = Superblock.OFFSET;
    long checksum = Superblock.checksumAt(buf, at);
    if (checksum != 0) {
      throw fail(at + Superblock.OFF_CHECKSUM, "superblock checksum", 0, checksum);
    }
    if ((sb.featureCompat() & Superblock.COMPAT_RAFS_V6) == 0) {
      throw fail(
          at + Superblock.OFF_FEATURE_COMPAT,
          "feature_compat RAFS v6 bit",
          hex(Superblock.COMPAT_RAFS_V6),
          hex(sb.featureCompat()));
    }
    expect(at + Superblock.OFF_BLKSZBITS, "blkszbits", 12, sb.blkszbits());
    expect(
        at + Superblock.OFF_FEATURE_INCOMPAT,
        "feature_incompat",
        Superblock.RAFS_V6_INCOMPAT,
        sb.featureIncompat());
    expect(at + Superblock.OFF_EXTSLOTS, "sb_extslots", 0, sb.extslots());
    expect(at + Superblock.OFF_U1, "u1 (compression algorithms)", 0, sb.u1());
    expect(at + Superblock.OFF_XATTR_BLKADDR, "xattr_blkaddr", 0, sb.xattrBlkaddr());
    expect(
        at + Superblock.OFF_DEVT_SLOTOFF,
        "devt_slotoff",
        Superblock.RAFS_V6_DEVT_SLOTOFF,
        sb.devtSlotoff());
    if (sb.inos() == 0) {
      throw fail(at + Superblock.OFF_INOS, "inode count", "non-zero", 0);
    }
    if (sb.extraDevices() > ChunkIndex.MAX_BLOBS) {
      throw fail(
          at + Superblock.OFF_EXTRA_DEVICES,
          "extra_devices",
          "at most " + ChunkIndex.MAX_BLOBS,
          sb.extraDevices());
    }
  }

  private void checkExtSuperblock() throws FormatException {
    int at = ExtSuperblock.OFFSET + ExtSuperblock.OFF_FLAGS;
    long flags = ext.flags();
    if ((flags & ~ExtSuperblock.KNOWN_FLAGS) != 0) {
      throw fail(at, "extended superblock flags", "only known bits", hex(flags));
    }
    if (Long.bitCount(flags & ExtSuperblock.COMPRESSION_MASK) != 1) {
      throw fail(at, "compression flags", "exactly one bit", hex(flags));
    }
    if (Long.bitCount(flags & ExtSuperblock.HASH_MASK) != 1) {
      throw fail(at, "hash flags", "exactly one bit", hex(flags));
    }
    long chunkSize = ext.chunkSize();
    if (Long.bitCount(chunkSize) != 1 || chunkSize < 4096 || chunkSize > 16 << 20) {
      throw fail(
          ExtSuperblock.OFFSET + ExtSuperblock.OFF_CHUNK_SIZE,
          "chunk size",
          "a power of two in [4096, 16777216]",
          chunkSize);
    }
  }

  private void checkSizes() throws FormatException {
    long size = buf.capacity();
    if (size % Bytes.BLOCK_SIZE != 0) {
      throw fail(0, "bootstrap size", "a multiple of 4096", size);
    }
    long n = sb.extraDevices();
    expect(
        ExtSuperblock.OFFSET + ExtSuperblock.OFF_BLOB_TABLE_SIZE,
        "blob table size",
        n * BlobTableEntry.SIZE,
        ext.blobTableSize());
    if (n > 0) {
      table("blob table", ext.blobTableOffset(), ext.blobTableSize(), BlobTableEntry.SIZE);
      if (ext.blobTableOffset() < DeviceSlot.TABLE_OFFSET + n * DeviceSlot.SIZE) {
        throw fail(
            ExtSuperblock.OFFSET + ExtSuperblock.OFF_BLOB_TABLE_OFFSET,
            "blob table offset",
            "after the device table",
            ext.blobTableOffset());
      }
    }
    table("chunk table", ext.chunkTableOffset(), ext.chunkTableSize(), ChunkInfo.SIZE);
    if (ext.chunkTableSize() > 0 && ext.chunkTableOffset() % Bytes.BLOCK_SIZE != 0) {
      throw fail(
          ExtSuperblock.OFFSET + ExtSuperblock.OFF_CHUNK_TABLE_OFFSET,
          "chunk table offset",
          "4096-aligned",
          ext.chunkTableOffset());
    }
    table("prefetch table", ext.prefetchTableOffset(), ext.prefetchTableSize(), 4);
  }

  private void table(String what, long offset, long size, int unit) throws FormatException {
    if (size == 0) {
      return;
    }
    if (size % unit != 0) {
      throw fail(offset, what + " size", "a multiple of " + unit, size);
    }
    if (offset < Bytes.BLOCK_SIZE || offset + size > buf.capacity()) {
      throw fail(offset, what, "inside [4096, " + buf.capacity() + ")", size + " bytes");
    }
  }

  private List<BlobInfo> readBlobTable() throws FormatException {
    List<BlobInfo> out = new ArrayList<>();
    for (int i = 0; i < sb.extraDevices(); i++) {
      int at = (int) ext.blobTableOffset() + i * BlobTableEntry.SIZE;
      BlobTableEntry e = BlobTableEntry.decode(buf, at);
      String what = "blob " + i + " (" + e.blobId() + ")";
      expect(at + BlobTableEntry.OFF_BLOB_INDEX, what + " blob_index", i, e.blobIndex());
      expect(
          at + BlobTableEntry.OFF_CHUNK_SIZE, what + " chunk_size", ext.chunkSize(), e.chunkSize());
      if ((e.features() & BlobTableEntry.FEATURE_FORBIDDEN) != 0
          || (e.features() & BlobTableEntry.FEATURE_ALIGNED) == 0) {
        throw fail(
            at + BlobTableEntry.OFF_FEATURES,
            what + " features",
            "ALIGNED set, no reserved bits",
            hex(e.features()));
      }
      out.add(
          new BlobInfo(
              e.blobId(),
              (int) e.chunkSize(),
              (int) e.chunkCount(),
              compressor(at + BlobTableEntry.OFF_COMPRESSION_ALGO, what, e.compressionAlgo()),
              digester(at + BlobTableEntry.OFF_DIGEST_ALGO, what, e.digestAlgo()),
              (int) e.features(),
              e.compressedSize(),
              e.uncompressedSize(),
              compressor(at + BlobTableEntry.OFF_CI_COMPRESSOR, what + " CI", e.ciCompressor()),
              e.ciOffset(),
              e.ciCompressedSize(),
              e.ciUncompressedSize()));
    }
    return out;
  }

  private Compressor compressor(int at, String what, int code) throws FormatException {
    for (Compressor c : Compressor.values()) {
      if (c.code() == code) {
        return c;
      }
    }
    throw fail(at, what + " compression_algo", "0 (none), 1 (lz4_block) or 3 (zstd)", code);
  }

  private Digester digester(int at, String what, int code) throws FormatException {
    for (Digester d : Digester.values()) {
      if (d.code() == code) {
        return d;
      }
    }
    throw fail(at, what + " digest_algo", "0 (blake3) or 1 (sha256)", code);
  }

  private void readChunkTable() throws FormatException {
    for (long i = 0; i < ext.chunkTableSize() / ChunkInfo.SIZE; i++) {
      int at = (int) (ext.chunkTableOffset() + i * ChunkInfo.SIZE);
      ChunkInfo c = ChunkInfo.decode(buf, at);
      if (c.blobIndex() < 0 || c.blobIndex() >= blobs.size()) {
        throw fail(
            at + ChunkInfo.OFF_BLOB_INDEX,
            "chunk record blob index",
            "< " + blobs.size(),
            c.blobIndex());
      }
      if (c.uncompressedOffset() % Bytes.BLOCK_SIZE != 0) {
        throw fail(
            at + ChunkInfo.OFF_UNCOMPRESSED_OFFSET,
            "chunk record uncompressed offset",
            "4096-aligned",
            c.uncompressedOffset());
      }
      chunksByAddress.put(address(c.blobIndex(), c.uncompressedOffset() / Bytes.BLOCK_SIZE), c);
    }
  }

  /** A chunk's (blob, start block) is unique: distinct chunks of a blob never share a block. */
  private static long address(int blobIndex, long blkaddr) {
    return (long) blobIndex << 40 | blkaddr;
  }

  /** One directory being walked: its nid, path, parent nid and depth. */
  private record Dir(long nid, String path, long parentNid, int depth) {}

  private void walk(List<Entry> entries, Map<String, InodeInfo> inodes) throws FormatException {
    long rootNid = sb.rootNid();
    Inode root = inode(rootNid, "/");
    if (root.type != FileType.DIRECTORY) {
      throw fail(root.offset, "root inode type", "directory", root.type);
    }
    entries.add(root.entry("/", null, List.of()));
    inodes.put("/", new InodeInfo(rootNid, root.raw.ino(), root.raw.nlink()));
    Map<Long, String> firstNameOfNid = new HashMap<>();
    Map<Long, String> firstNameOfIno = new HashMap<>();
    Set<Long> dirSeen = new HashSet<>(List.of(rootNid));
    Deque<Dir> pending = new ArrayDeque<>();
    pending.push(new Dir(rootNid, "/", rootNid, 0));
    while (!pending.isEmpty()) {
      Dir dir = pending.pop();
      if (dir.depth > MAX_DEPTH) {
        throw fail(0, "directory depth at " + dir.path, "at most " + MAX_DEPTH, dir.depth);
      }
      Inode inode = inode(dir.nid, dir.path);
      List<Dir> subdirs = new ArrayList<>();
      for (NamedDirent d : dirents(inode, dir)) {
        String name = d.name();
        if (name.equals(".") || name.equals("..")) {
          long expected = name.equals(".") ? dir.nid : dir.parentNid;
          if (d.nid() != expected) {
            throw fail(inode.offset, "nid of '" + name + "' in " + dir.path, expected, d.nid());
          }
          continue;
        }
        String path = dir.path.equals("/") ? "/" + name : dir.path + "/" + name;
        Inode child = inode(d.nid(), path);
        if (Dirent.fileType(child.type) != d.fileType()) {
          throw fail(
              child.offset,
              "type of " + path,
              "dirent file type " + d.fileType(),
              child.type + " in the inode");
        }
        String hardlinkTo = null;
        if (child.type == FileType.REGULAR) {
          hardlinkTo = firstNameOfNid.putIfAbsent(d.nid(), path);
          if (hardlinkTo == null && child.raw.nlink() > 1) {
            // Bootstraps before nydus 2.1 gave each hardlinked name its own inode, same i_ino.
            hardlinkTo = firstNameOfIno.putIfAbsent(child.raw.ino(), path);
          }
        } else if (child.type == FileType.DIRECTORY) {
          if (!dirSeen.add(d.nid())) {
            throw fail(child.offset, "directory " + path, "a single name", "a second name (cycle)");
          }
          subdirs.add(new Dir(d.nid(), path, dir.nid, dir.depth + 1));
        }
        entries.add(child.entry(path, hardlinkTo, chunks(child, path)));
        inodes.put(path, new InodeInfo(d.nid(), child.raw.ino(), child.raw.nlink()));
      }
      for (int i = subdirs.size() - 1; i >= 0; i--) {
        pending.push(subdirs.get(i));
      }
    }
  }

  /** A decoded inode with where it lies. */
  private final class Inode {
    final long offset;
    final ExtendedInode raw;
    final int inodeSize;
    final FileType type;
    final TreeMap<String, byte[]> xattrs;
    final int xattrSize;

    Inode(
        long offset,
        ExtendedInode raw,
        int inodeSize,
        FileType type,
        TreeMap<String, byte[]> xattrs,
        int xattrSize) {
      this.offset = offset;
      this.raw = raw;
      this.inodeSize = inodeSize;
      this.type = type;
      this.xattrs = xattrs;
      this.xattrSize = xattrSize;
    }

    long dataStart() {
      return offset + inodeSize + xattrSize;
    }

    int layout() {
      return ExtendedInode.layoutOf(raw.format());
    }

    Entry entry(String path, String hardlinkTo, List<Chunk> chunks) throws FormatException {
      long size = type == FileType.REGULAR || type == FileType.SYMLINK ? raw.size() : 0;
      String target = type == FileType.SYMLINK ? symlinkTarget(this, path) : null;
      boolean device = type == FileType.CHAR_DEVICE || type == FileType.BLOCK_DEVICE;
      long rdev = raw.iu();
      return new Entry(
          path,
          type,
          raw.mode() & 07777,
          raw.uid(),
          raw.gid(),
          raw.mtime(),
          (int) raw.mtimeNsec(),
          size,
          target,
          hardlinkTo,
          device ? (int) ((rdev >>> 8) & 0xfff) : 0,
          device ? (int) ((rdev & 0xff) | ((rdev >>> 12) & 0xfff00)) : 0,
          xattrs,
          chunks);
    }
  }

  private Inode inode(long nid, String path) throws FormatException {
    long offset = metaAddr + nid * 32;
    if (nid <= 0 || offset + CompactInode.SIZE > buf.capacity()) {
      throw fail(
          offset, "inode of " + path + " (nid " + nid + ")", "inside the bootstrap", "outside");
    }
    int at = (int) offset;
    int format = Bytes.u16(buf, at);
    ExtendedInode raw;
    int inodeSize;
    if ((format & ExtendedInode.VERSION_EXTENDED) != 0) {
      need(offset, ExtendedInode.SIZE, "inode of " + path);
      raw = ExtendedInode.decode(buf, at);
      inodeSize = ExtendedInode.SIZE;
    } else {
      raw = CompactInode.decode(buf, at).toExtended();
      inodeSize = CompactInode.SIZE;
    }
    if ((format & ~0xf) != 0) {
      throw fail(offset, "i_format of " + path, "only version and layout bits", hex(format));
    }
    FileType type = type(raw.mode(), offset, path);
    if (raw.nlink() == 0) {
      throw fail(offset, "nlink of " + path, "non-zero", 0);
    }
    int layout = ExtendedInode.layoutOf(format);
    boolean valid =
        switch (type) {
          case REGULAR -> layout == ExtendedInode.LAYOUT_CHUNK_BASED;
          case DIRECTORY, SYMLINK ->
              layout == ExtendedInode.LAYOUT_FLAT_INLINE
                  || layout == ExtendedInode.LAYOUT_FLAT_PLAIN;
          default -> layout == ExtendedInode.LAYOUT_FLAT_PLAIN;
        };
    if (!valid) {
      throw fail(
          offset, "data layout of " + path + " (" + type + ")", "chunk based or flat", layout);
    }
    int xattrSize = XattrHeader.areaSize(raw.xattrIcount());
    need(offset + inodeSize, xattrSize, "xattrs of " + path);
    TreeMap<String, byte[]> xattrs = new TreeMap<>();
    if (xattrSize > 0) {
      int p = at + inodeSize;
      XattrHeader header = XattrHeader.decode(buf, p);
      if (header.sharedCount() != 0) {
        throw fail(p, "shared xattr count of " + path, 0, header.sharedCount());
      }
      p += XattrHeader.SIZE;
      int end = at + inodeSize + xattrSize;
      while (p < end) {
        if (p + XattrEntry.SIZE > end || p + XattrEntry.encodedSizeAt(buf, p) > end) {
          throw fail(p, "xattr entry of " + path, "inside the xattr area", "past its end");
        }
        XattrEntry x = XattrEntry.decode(buf, p);
        if (x == null) {
          throw fail(p, "xattr name index of " + path, "1, 2, 3, 4 or 6", Bytes.u8(buf, p + 1));
        }
        xattrs.put(x.key(), x.value());
        p += XattrEntry.encodedSizeAt(buf, p);
      }
    }
    return new Inode(offset, raw, inodeSize, type, xattrs, xattrSize);
  }

  private FileType type(int mode, long offset, String path) throws FormatException {
    return switch (mode & ExtendedInode.S_IFMT) {
      case ExtendedInode.S_IFREG -> FileType.REGULAR;
      case ExtendedInode.S_IFDIR -> FileType.DIRECTORY;
      case ExtendedInode.S_IFLNK -> FileType.SYMLINK;
      case ExtendedInode.S_IFCHR -> FileType.CHAR_DEVICE;
      case ExtendedInode.S_IFBLK -> FileType.BLOCK_DEVICE;
      case ExtendedInode.S_IFIFO -> FileType.FIFO;
      case ExtendedInode.S_IFSOCK -> FileType.SOCKET;
      default -> throw fail(offset, "file type bits of " + path, "a known S_IF* type", hex(mode));
    };
  }

  /** The data of a FLAT_PLAIN or FLAT_INLINE inode: whole blocks at i_u, then the inline tail. */
  private byte[] flatData(Inode inode, String path) throws FormatException {
    long size = inode.raw.size();
    if (size < 0 || size > buf.capacity()) {
      throw fail(inode.offset, "size of " + path, "at most the bootstrap size", size);
    }
    boolean inline = inode.layout() == ExtendedInode.LAYOUT_FLAT_INLINE;
    long blocked = inline ? size / Bytes.BLOCK_SIZE * Bytes.BLOCK_SIZE : size;
    long tail = size - blocked;
    long start = inode.raw.iu() * Bytes.BLOCK_SIZE;
    long at = inode.dataStart();
    need(start, blocked, "data blocks of " + path);
    if (tail > 0) {
      if (at / Bytes.BLOCK_SIZE != (at + tail - 1) / Bytes.BLOCK_SIZE) {
        throw fail(
            at, "inline data of " + path, "inside one block", tail + " bytes crossing a block");
      }
      need(at, tail, "inline data of " + path);
    }
    byte[] data = new byte[(int) size];
    buf.get((int) start, data, 0, (int) blocked);
    buf.get((int) at, data, (int) blocked, (int) tail);
    return data;
  }

  private String symlinkTarget(Inode inode, String path) throws FormatException {
    if (inode.raw.size() == 0 || inode.raw.size() > Bytes.BLOCK_SIZE) {
      throw fail(inode.offset, "symlink target length of " + path, "1..4096", inode.raw.size());
    }
    return new String(flatData(inode, path), StandardCharsets.UTF_8);
  }

  /** A dirent with its decoded name. */
  private record NamedDirent(String name, long nid, int fileType) {}

  private List<NamedDirent> dirents(Inode dir, Dir where) throws FormatException {
    byte[] data = flatData(dir, where.path);
    ByteBuffer d = Bytes.wrap(data);
    List<NamedDirent> out = new ArrayList<>();
    byte[] previous = null;
    for (int base = 0; base < data.length; base += Bytes.BLOCK_SIZE) {
      int blockEnd = Math.min(data.length, base + Bytes.BLOCK_SIZE);
      long at = dir.raw.iu() * Bytes.BLOCK_SIZE + base; // for messages: where the block came from
      if (blockEnd - base < Dirent.SIZE) {
        throw fail(
            at,
            "directory block of " + where.path,
            "at least one dirent",
            blockEnd - base + " bytes");
      }
      int first = Bytes.u16(d, base + Dirent.OFF_NAMEOFF);
      if (first % Dirent.SIZE != 0 || first == 0 || base + first > blockEnd) {
        throw fail(
            at, "first nameoff in " + where.path, "a multiple of 12 inside the block", first);
      }
      int count = first / Dirent.SIZE;
      for (int i = 0; i < count; i++) {
        Dirent dirent = Dirent.decode(d, base + i * Dirent.SIZE);
        int nameEnd =
            i + 1 < count
                ? Bytes.u16(d, base + (i + 1) * Dirent.SIZE + Dirent.OFF_NAMEOFF)
                : blockEnd - base;
        if (i + 1 == count) {
          for (int p = dirent.nameoff(); p < nameEnd; p++) {
            if (data[base + p] == 0) {
              nameEnd = p;
              break;
            }
          }
        }
        int length = nameEnd - dirent.nameoff();
        if (dirent.nameoff() < first
            || base + nameEnd > blockEnd
            || length <= 0
            || length > Dirent.MAX_NAME_LENGTH) {
          throw fail(
              at,
              "name " + i + " in " + where.path,
              "1..255 bytes inside the block",
              length + " bytes at " + dirent.nameoff());
        }
        byte[] name = Arrays.copyOfRange(data, base + dirent.nameoff(), base + nameEnd);
        if (previous != null && Arrays.compareUnsigned(previous, name) >= 0) {
          throw fail(
              at,
              "dirent order in " + where.path,
              "names sorted bytewise",
              "'"
                  + new String(name, StandardCharsets.UTF_8)
                  + "' after '"
                  + new String(previous, StandardCharsets.UTF_8)
                  + "'");
        }
        previous = name;
        String text = new String(name, StandardCharsets.UTF_8);
        if (text.indexOf('/') >= 0) {
          throw fail(at, "name in " + where.path, "no '/'", text);
        }
        out.add(new NamedDirent(text, dirent.nid(), dirent.fileType()));
      }
    }
    return out;
  }

  private List<Chunk> chunks(Inode inode, String path) throws FormatException {
    if (inode.type != FileType.REGULAR) {
      return List.of();
    }
    long word = inode.raw.iu();
    if ((word & ExtendedInode.CHUNK_FORMAT_INDEXES) == 0
        || (word
                & ~(long)
                    (ExtendedInode.CHUNK_FORMAT_INDEXES | ExtendedInode.CHUNK_FORMAT_BLKBITS_MASK))
            != 0) {
      throw fail(
          inode.offset + ExtendedInode.OFF_IU,
          "chunk format of " + path,
          "INDEXES flag, no 48-bit flag",
          hex(word));
    }
    long chunkSize = ext.chunkSize();
    long size = inode.raw.size();
    long count = (size + chunkSize - 1) / chunkSize;
    long at = Bytes.roundUp(inode.dataStart(), ChunkIndex.SIZE);
    need(at, count * ChunkIndex.SIZE, "chunk indexes of " + path);
    List<Chunk> chunks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int p = (int) (at + (long) i * ChunkIndex.SIZE);
      ChunkIndex index = ChunkIndex.decode(buf, p);
      if (index.blobIndex() < 0 || index.blobIndex() >= blobs.size()) {
        throw fail(
            p, "chunk " + i + " device of " + path, "1.." + blobs.size(), index.blobIndex() + 1);
      }
      ChunkInfo info = chunksByAddress.get(address(index.blobIndex(), index.blkaddr()));
      if (info == null) {
        throw fail(
            p,
            "chunk " + i + " of " + path,
            "a chunk table record for blob " + index.blobIndex() + " block " + index.blkaddr(),
            "none");
      }
      if (index.ciIndex() != info.index()) {
        throw fail(p, "chunk " + i + " ci index of " + path, info.index(), index.ciIndex());
      }
      long expectedLength = Math.min(chunkSize, size - i * chunkSize);
      if (info.uncompressedSize() != expectedLength) {
        throw fail(p, "chunk " + i + " length of " + path, expectedLength, info.uncompressedSize());
      }
      chunks.add(
          new Chunk(
              index.blobIndex(),
              (int) info.index(),
              info.compressedOffset(),
              (int) info.compressedSize(),
              info.uncompressedOffset(),
              (int) info.uncompressedSize(),
              info.fileOffset(),
              info.digest(),
              (info.flags() & ChunkInfo.FLAG_HAS_CRC32) != 0 ? info.crc32() : Chunk.NO_CRC32));
    }
    return chunks;
  }

  private void need(long offset, long length, String what) throws FormatException {
    if (offset < 0 || length < 0 || offset + length > buf.capacity()) {
      throw fail(
          offset,
          what,
          length + " bytes inside the " + buf.capacity() + "-byte bootstrap",
          "truncated");
    }
  }

  private void expect(long offset, String what, long expected, long actual) throws FormatException {
    if (expected != actual) {
      throw fail(offset, what, expected, actual);
    }
  }

  private FormatException fail(long offset, String what, Object expected, Object actual) {
    return FormatException.at(resource, offset, what, expected, actual);
  }

  private static String hex(long value) {
    return "0x" + Long.toHexString(value);
  }
}
