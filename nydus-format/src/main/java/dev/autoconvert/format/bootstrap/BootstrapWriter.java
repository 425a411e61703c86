package dev.autoconvert.format.bootstrap;

import dev.autoconvert.format.Compressor;
import dev.autoconvert.format.Digester;
import dev.autoconvert.format.bootstrap.Tree.Inode;
import dev.autoconvert.format.bootstrap.Tree.Node;
import dev.autoconvert.format.layout.BlobTableEntry;
import dev.autoconvert.format.layout.Bytes;
import dev.autoconvert.format.layout.ChunkIndex;
import dev.autoconvert.format.layout.ChunkInfo;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a RAFS v6 bootstrap (NYDUS-FORMAT.md §1) with the simple layout of §1.16: inode records
 * one after the other from the block after meta_blkaddr (so the root gets nid 128 and nid 0 stays
 * unused), whole blocks for directory and symlink data after them, then the chunk info table.
 */
public final class BootstrapWriter {

  /** Placeholder blob id of a bootstrap embedded in its own blob (§3.6). */
  public static final String INLINED_BLOB_ID = "x".repeat(64);

  /** mapped_blkaddr alignment of nydus 2.3+ (§1.4). */
  private static final long MAPPED_ALIGNMENT = 512 * 1024;

  private final List<BlobInfo> blobs;
  private final BootstrapOptions options;
  private final int chunkBits;

  /** Where one inode's record and data go. */
  static final class Layout {
    byte[] xattrs = new byte[0];
    byte[] data; // directory or symlink bytes
    int dataLayout;
    long fullBlocks;
    long firstBlock;
    long recordSize;
  }

  private BootstrapWriter(List<BlobInfo> blobs, BootstrapOptions options) {
    this.blobs = List.copyOf(blobs);
    this.options = options;
    this.chunkBits = Integer.numberOfTrailingZeros(options.chunkSize());
  }

  /**
   * Writes the bootstrap of {@code entries}: every object of the tree in any order (missing parent
   * directories are synthesised 0755 root:root); {@code blobs} in blob-table order ({@link
   * Chunk#blobIndex()} indexes it). Returns the bootstrap bytes, a multiple of 4096.
   *
   * @throws IllegalArgumentException naming the entry or blob that cannot be written
   */
  public static byte[] write(List<Entry> entries, List<BlobInfo> blobs, BootstrapOptions options) {
    return new BootstrapWriter(blobs, options).write(Tree.build(entries));
  }

  private byte[] write(Tree tree) {
    checkBlobs();
    List<Node> walk = tree.walk();
    List<Inode> inodes = new ArrayList<>();
    for (Node node : walk) {
      if (node.inode.firstName == null) { // hardlinked names share the inode of their first name
        node.inode.firstName = node;
        node.inode.ino = inodes.size() + 1;
        inodes.add(node.inode);
      }
    }

    int n = blobs.size();
    long blobTableOffset =
        Bytes.roundUp(DeviceSlot.TABLE_OFFSET + (long) DeviceSlot.SIZE * n, Bytes.BLOCK_SIZE);
    long blobTableSize = (long) BlobTableEntry.SIZE * n;
    List<Node> prefetch = n == 0 ? List.of() : prefetchNodes(tree); // only written with blobs
    long prefetchSize = 4L * prefetch.size();
    long prefetchOffset = prefetch.isEmpty() ? 0 : blobTableOffset + blobTableSize;
    long metaAddr =
        n == 0
            ? 0
            : Bytes.roundUp(blobTableOffset + blobTableSize + prefetchSize, Bytes.BLOCK_SIZE);

    long dataBlock = placeRecords(inodes, metaAddr);
    for (Inode inode : inodes) {
      Layout layout = inode.layout;
      if (layout.fullBlocks > 0) {
        layout.firstBlock = dataBlock;
        dataBlock += layout.fullBlocks;
      }
    }
    List<ChunkInfo> chunkTable = chunkTable(inodes);
    long chunkTableOffset = dataBlock * Bytes.BLOCK_SIZE;
    long chunkTableSize = (long) ChunkInfo.SIZE * chunkTable.size();
    long fileSize = Bytes.roundUp(chunkTableOffset + chunkTableSize, Bytes.BLOCK_SIZE);
    if (fileSize > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("bootstrap would be " + fileSize + " bytes, too large");
    }

    ByteBuffer out = Bytes.buffer((int) fileSize);
    for (Inode inode : inodes) {
      writeInode(out, inode.firstName, inode.layout);
    }
    for (int i = 0; i < chunkTable.size(); i++) {
      out.put((int) (chunkTableOffset + (long) i * ChunkInfo.SIZE), chunkTable.get(i).encode());
    }
    long blobBlocks = writeBlobTables(out, blobTableOffset, fileSize);
    for (int i = 0; i < prefetch.size(); i++) {
      out.putInt((int) (prefetchOffset + 4L * i), (int) prefetch.get(i).inode.nid);
    }
    out.put(
        Superblock.OFFSET,
        new Superblock(
                Superblock.COMPAT_RAFS_V6,
                12,
                0,
                (int) tree.root.inode.nid,
                walk.size(),
                blobBlocks,
                metaAddr / Bytes.BLOCK_SIZE,
                0,
                Superblock.RAFS_V6_INCOMPAT,
                0,
                n,
                Superblock.RAFS_V6_DEVT_SLOTOFF)
            .encode());
    out.put(
        ExtSuperblock.OFFSET,
        new ExtSuperblock(
                flags(inodes),
                blobTableOffset,
                blobTableSize,
                options.chunkSize(),
                chunkTableOffset,
                chunkTableSize,
                prefetchOffset,
                prefetchSize)
            .encode());
    return out.array();
  }

  /**
   * Places the inode records one after the other from the block after meta_blkaddr (root nid 128),
   * 32-byte aligned; a record with an inline tail moves to the next block rather than let the tail
   * cross a block boundary. Returns the first free block after the records.
   */
  private long placeRecords(List<Inode> inodes, long metaAddr) {
    long cursor = metaAddr + Bytes.BLOCK_SIZE;
    for (Inode inode : inodes) {
      Layout layout = plan(inode.firstName);
      inode.layout = layout;
      long at = Bytes.roundUp(cursor, 32);
      if (layout.dataLayout == ExtendedInode.LAYOUT_FLAT_INLINE
          && at % Bytes.BLOCK_SIZE + layout.recordSize > Bytes.BLOCK_SIZE) {
        at = Bytes.roundUp(at, Bytes.BLOCK_SIZE);
      }
      inode.offset = at;
      inode.nid = (at - metaAddr) / 32;
      cursor = at + layout.recordSize;
    }
    return Bytes.roundUp(cursor, Bytes.BLOCK_SIZE) / Bytes.BLOCK_SIZE;
  }

  /**
   * Device slots and blob table entries; mapped_blkaddr as nydus 2.3+ assigns it (§1.4). Returns
   * the total device blocks for the superblock.
   */
  private long writeBlobTables(ByteBuffer out, long blobTableOffset, long fileSize) {
    long total = 0;
    long mapped = Bytes.roundUp(fileSize, MAPPED_ALIGNMENT) / Bytes.BLOCK_SIZE;
    for (int i = 0; i < blobs.size(); i++) {
      BlobInfo blob = blobs.get(i);
      long blocks = blob.uncompressedSize() / Bytes.BLOCK_SIZE;
      out.put(
          DeviceSlot.TABLE_OFFSET + i * DeviceSlot.SIZE,
          new DeviceSlot(blobId(blob), blocks, mapped).encode());
      out.put((int) blobTableOffset + i * BlobTableEntry.SIZE, blobEntry(blob, i).encode());
      total += blocks;
      mapped =
          Bytes.roundUp((mapped + blocks) * Bytes.BLOCK_SIZE, MAPPED_ALIGNMENT) / Bytes.BLOCK_SIZE;
    }
    return total;
  }

  private void checkBlobs() {
    if (blobs.size() > ChunkIndex.MAX_BLOBS) {
      throw new IllegalArgumentException(
          blobs.size() + " blobs, a bootstrap holds at most " + ChunkIndex.MAX_BLOBS);
    }
    for (BlobInfo blob : blobs) {
      if (blob.chunkSize() != options.chunkSize()) {
        throw new IllegalArgumentException(
            "blob "
                + blob.blobId()
                + " has chunk size "
                + blob.chunkSize()
                + ", the bootstrap "
                + options.chunkSize()
                + "; all blobs of an image share one chunk size");
      }
      if (blob.chunkCount() <= 0
          || blob.uncompressedSize() <= 0
          || blob.uncompressedSize() % Bytes.BLOCK_SIZE != 0) {
        throw new IllegalArgumentException(
            "blob "
                + blob.blobId()
                + " has "
                + blob.chunkCount()
                + " chunks and uncompressed size "
                + blob.uncompressedSize()
                + "; a listed blob needs chunks and a 4096-aligned uncompressed size");
      }
      if (!options.inlinedInBlob() && !blob.blobId().matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException(
            "blob id must be 64 lower-case hex characters, got '" + blob.blobId() + "'");
      }
    }
    if (blobs.stream().map(BlobInfo::compressor).distinct().count() > 1
        || blobs.stream().map(BlobInfo::digester).distinct().count() > 1) {
      throw new IllegalArgumentException(
          "all blobs of a bootstrap must share compressor and digester (the extended superblock"
              + " records one of each)");
    }
  }

  private String blobId(BlobInfo blob) {
    return options.inlinedInBlob() ? INLINED_BLOB_ID : blob.blobId();
  }

  private BlobTableEntry blobEntry(BlobInfo blob, int index) {
    long features =
        options.inlinedInBlob()
            ? blob.features() | BlobTableEntry.FEATURE_INLINED_FS_META
            : blob.features() & ~BlobTableEntry.FEATURE_INLINED_FS_META;
    return new BlobTableEntry(
        blobId(blob),
        index,
        blob.chunkSize(),
        blob.chunkCount(),
        blob.compressor().code(),
        blob.digester().code(),
        features | BlobTableEntry.FEATURE_ALIGNED,
        blob.compressedSize(),
        blob.uncompressedSize(),
        0,
        blob.ciCompressor().code(),
        blob.ciOffset(),
        blob.ciCompressedSize(),
        blob.ciUncompressedSize());
  }

  private long flags(List<Inode> inodes) {
    Compressor compressor = blobs.isEmpty() ? Compressor.ZSTD : blobs.get(0).compressor();
    Digester digester = blobs.isEmpty() ? Digester.BLAKE3 : blobs.get(0).digester();
    long flags =
        switch (compressor) {
          case NONE -> ExtSuperblock.FLAG_COMPRESSION_NONE;
          case LZ4_BLOCK -> ExtSuperblock.FLAG_COMPRESSION_LZ4;
          case ZSTD -> ExtSuperblock.FLAG_COMPRESSION_ZSTD;
        };
    flags |=
        digester == Digester.SHA256
            ? ExtSuperblock.FLAG_HASH_SHA256
            : ExtSuperblock.FLAG_HASH_BLAKE3;
    flags |= ExtSuperblock.FLAG_EXPLICIT_UID_GID | ExtSuperblock.FLAG_ENCRYPTION_NONE;
    // nydus-image merge always sets HAS_XATTR; a per-layer bootstrap sets it when needed.
    if (!options.inlinedInBlob() || inodes.stream().anyMatch(i -> !i.entry.xattrs().isEmpty())) {
      flags |= ExtSuperblock.FLAG_HAS_XATTR;
    }
    if (blobs.stream()
        .allMatch(b -> (b.features() & BlobTableEntry.FEATURE_INLINED_CHUNK_DIGEST) != 0)) {
      flags |= ExtSuperblock.FLAG_INLINED_CHUNK_DIGEST;
    }
    return flags;
  }

  private List<Node> prefetchNodes(Tree tree) {
    Set<Node> nodes = new LinkedHashSet<>();
    for (String pattern : options.prefetchPatterns()) {
      String path =
          pattern.length() > 1 && pattern.endsWith("/")
              ? pattern.substring(0, pattern.length() - 1)
              : pattern;
      Node node = tree.byPath.get(path);
      if (node != null) { // nydus skips patterns that name nothing in the image
        nodes.add(node);
      }
    }
    return List.copyOf(nodes);
  }

  /** Decides the record size and data layout of the inode that {@code node} names. */
  private Layout plan(Node node) {
    Entry e = node.inode.entry;
    Layout layout = new Layout();
    if (!e.xattrs().isEmpty()) {
      layout.xattrs = xattrArea(e);
    }
    long header = ExtendedInode.SIZE + layout.xattrs.length;
    switch (e.type()) {
      case REGULAR -> {
        checkChunks(node);
        layout.dataLayout = ExtendedInode.LAYOUT_CHUNK_BASED;
        layout.recordSize = Bytes.roundUp(header, 8) + (long) ChunkIndex.SIZE * e.chunks().size();
      }
      case DIRECTORY -> planFlat(layout, header, new DirentBlocks(direntNames(node)).size());
      case SYMLINK -> {
        if (e.linkTarget() == null || e.linkTarget().isEmpty()) {
          throw new IllegalArgumentException("symlink " + e.path() + " has an empty target");
        }
        layout.data = e.linkTarget().getBytes(StandardCharsets.UTF_8);
        planFlat(layout, header, layout.data.length);
      }
      default -> {
        layout.dataLayout = ExtendedInode.LAYOUT_FLAT_PLAIN;
        layout.recordSize = header;
      }
    }
    return layout;
  }

  /** FLAT_INLINE iff there is a partial last block and it fits after the inode in one block. */
  private static void planFlat(Layout layout, long header, long size) {
    long tail = size % Bytes.BLOCK_SIZE;
    if (tail != 0 && header + tail <= Bytes.BLOCK_SIZE) {
      layout.dataLayout = ExtendedInode.LAYOUT_FLAT_INLINE;
      layout.fullBlocks = size / Bytes.BLOCK_SIZE;
      layout.recordSize = header + tail;
    } else {
      layout.dataLayout = ExtendedInode.LAYOUT_FLAT_PLAIN;
      layout.fullBlocks = Bytes.roundUp(size, Bytes.BLOCK_SIZE) / Bytes.BLOCK_SIZE;
      layout.recordSize = header;
    }
  }

  private static byte[] xattrArea(Entry e) {
    List<byte[]> encoded = new ArrayList<>();
    int size = XattrHeader.SIZE;
    for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
      byte[] one;
      try {
        one = new XattrEntry(x.getKey(), x.getValue()).encode();
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException(e.path() + ": " + ex.getMessage(), ex);
      }
      encoded.add(one);
      size += one.length;
    }
    ByteBuffer area = Bytes.buffer(size);
    area.put(0, new XattrHeader(0, 0).encode());
    int at = XattrHeader.SIZE;
    for (byte[] one : encoded) {
      area.put(at, one);
      at += one.length;
    }
    return area.array();
  }

  private void checkChunks(Node node) {
    Entry e = node.inode.entry;
    long expected = (e.size() + options.chunkSize() - 1) / options.chunkSize();
    if (e.chunks().size() != expected) {
      throw new IllegalArgumentException(
          e.path()
              + ": "
              + e.size()
              + " bytes need "
              + expected
              + " chunks of "
              + options.chunkSize()
              + ", entry has "
              + e.chunks().size());
    }
    for (int i = 0; i < e.chunks().size(); i++) {
      Chunk c = e.chunks().get(i);
      long length = Math.min(options.chunkSize(), e.size() - (long) i * options.chunkSize());
      if (c.blobIndex() < 0 || c.blobIndex() >= blobs.size()) {
        throw new IllegalArgumentException(
            e.path() + ": chunk " + i + " names blob " + c.blobIndex() + " of " + blobs.size());
      }
      BlobInfo blob = blobs.get(c.blobIndex());
      if (c.uncompressedSize() != length
          || c.index() < 0
          || c.index() >= blob.chunkCount()
          || c.index() > ChunkIndex.MAX_CI_INDEX
          || c.uncompressedOffset() + c.uncompressedSize() > blob.uncompressedSize()) {
        throw new IllegalArgumentException(
            e.path()
                + ": chunk "
                + i
                + " (ci "
                + c.index()
                + ", "
                + c.uncompressedSize()
                + " bytes at "
                + c.uncompressedOffset()
                + ") does not fit the file (expected "
                + length
                + " bytes) or blob "
                + blob.blobId()
                + " ("
                + blob.chunkCount()
                + " chunks, "
                + blob.uncompressedSize()
                + " bytes)");
      }
    }
  }

  /** The names of a directory in dirent order: ".", ".." and the children, byte-sorted. */
  private static List<DirentBlocks.Item> direntItems(Node dir) {
    List<DirentBlocks.Item> items = new ArrayList<>();
    Node parent = dir.parent == null ? dir : dir.parent;
    items.add(
        new DirentBlocks.Item(
            ".".getBytes(StandardCharsets.US_ASCII), dir.inode.nid, Dirent.FT_DIR));
    items.add(
        new DirentBlocks.Item(
            "..".getBytes(StandardCharsets.US_ASCII), parent.inode.nid, Dirent.FT_DIR));
    for (Node child : dir.children) {
      items.add(
          new DirentBlocks.Item(
              child.name, child.inode.nid, Dirent.fileType(child.inode.entry.type())));
    }
    items.sort(Comparator.comparing(DirentBlocks.Item::name, Paths.NAME_ORDER));
    return items;
  }

  private static List<byte[]> direntNames(Node dir) {
    return direntItems(dir).stream().map(DirentBlocks.Item::name).toList();
  }

  private static byte[] dirents(Node dir) {
    List<DirentBlocks.Item> items = direntItems(dir);
    return new DirentBlocks(items.stream().map(DirentBlocks.Item::name).toList()).encode(items);
  }

  /**
   * nydus's page-cache optimisation (§1.11): when a file's chunks lie back to back in one blob, the
   * kernel may treat the file as one big chunk. Only the format word changes; the index array keeps
   * one entry per superblock-sized chunk, which is what nydusd uses.
   */
  private int kernelChunkBits(Entry e) {
    List<Chunk> chunks = e.chunks();
    if (chunks.size() < 2) {
      return chunkBits;
    }
    Chunk first = chunks.get(0);
    for (int i = 1; i < chunks.size(); i++) {
      Chunk c = chunks.get(i);
      if (c.blobIndex() != first.blobIndex()
          || c.uncompressedOffset()
              != first.uncompressedOffset() + (long) i * options.chunkSize()) {
        return chunkBits;
      }
    }
    return 64 - Long.numberOfLeadingZeros(e.size() - 1); // log2 of the next power of two
  }

  private void writeInode(ByteBuffer out, Node node, Layout layout) {
    Inode inode = node.inode;
    Entry e = inode.entry;
    long size;
    long iu;
    long nlink = inode.names == 0 ? 1 : inode.names;
    switch (e.type()) {
      case REGULAR -> {
        size = e.size();
        iu = ExtendedInode.CHUNK_FORMAT_INDEXES | (kernelChunkBits(e) - 12);
      }
      case DIRECTORY, SYMLINK -> {
        if (e.type() == FileType.DIRECTORY) {
          layout.data = dirents(node); // needs every nid, so only now
        }
        size = layout.data.length;
        iu = layout.firstBlock;
      }
      default -> {
        size = 0;
        iu = rdev(e.rdevMajor(), e.rdevMinor());
      }
    }
    if (e.type() == FileType.DIRECTORY) {
      nlink = 2 + node.children.stream().filter(Node::isDirectory).count();
    }
    int at = (int) inode.offset;
    out.put(
        at,
        new ExtendedInode(
                ExtendedInode.format(layout.dataLayout),
                XattrHeader.icount(layout.xattrs.length),
                ExtendedInode.typeBits(e.type()) | (e.mode() & 07777),
                size,
                iu,
                inode.ino,
                e.uid(),
                e.gid(),
                e.mtime(),
                e.mtimeNanos(),
                nlink)
            .encode());
    at += ExtendedInode.SIZE;
    out.put(at, layout.xattrs);
    at += layout.xattrs.length;
    if (e.type() == FileType.REGULAR) {
      at = (int) Bytes.roundUp(at, 8);
      for (Chunk c : e.chunks()) {
        out.put(
            at,
            new ChunkIndex(c.blobIndex(), c.index(), c.uncompressedOffset() / Bytes.BLOCK_SIZE)
                .encode());
        at += ChunkIndex.SIZE;
      }
    } else if (layout.data != null) {
      int full = (int) (layout.fullBlocks * Bytes.BLOCK_SIZE);
      out.put(
          (int) (layout.firstBlock * Bytes.BLOCK_SIZE),
          layout.data,
          0,
          Math.min(full, layout.data.length));
      if (layout.dataLayout == ExtendedInode.LAYOUT_FLAT_INLINE) {
        out.put(at, layout.data, full, layout.data.length - full);
      }
    }
  }

  /** One record per distinct (blob, ci index), sorted by (digest, blob index) as nydus does. */
  private List<ChunkInfo> chunkTable(List<Inode> inodes) {
    Map<Long, ChunkInfo> byKey = new LinkedHashMap<>();
    for (Inode inode : inodes) {
      for (Chunk c : inode.entry.chunks()) {
        ChunkInfo info =
            new ChunkInfo(
                c.digest(),
                c.blobIndex(),
                (c.compressed() ? ChunkInfo.FLAG_COMPRESSED : 0)
                    | (c.hasCrc32() ? ChunkInfo.FLAG_HAS_CRC32 : 0),
                c.compressedSize(),
                c.uncompressedSize(),
                c.compressedOffset(),
                c.uncompressedOffset(),
                c.fileOffset(),
                c.index(),
                c.hasCrc32() ? c.crc32() : 0);
        ChunkInfo earlier = byKey.putIfAbsent((long) c.blobIndex() << 32 | c.index(), info);
        if (earlier != null
            && (earlier.uncompressedOffset() != info.uncompressedOffset()
                || earlier.uncompressedSize() != info.uncompressedSize()
                || !Arrays.equals(earlier.digest(), info.digest()))) {
          throw new IllegalArgumentException(
              inode.entry.path()
                  + ": chunk ci "
                  + c.index()
                  + " of blob "
                  + c.blobIndex()
                  + " disagrees with an earlier use of the same ci index");
        }
      }
    }
    List<ChunkInfo> table = new ArrayList<>(byKey.values());
    table.sort(
        Comparator.comparing(ChunkInfo::digest, Arrays::compareUnsigned)
            .thenComparingInt(ChunkInfo::blobIndex)
            .thenComparingLong(ChunkInfo::index));
    return table;
  }

  /** Linux "new" 32-bit dev_t encoding, as glibc makedev truncated to 32 bits. */
  static long rdev(int major, int minor) {
    return ((minor & 0xffL) | ((long) (major & 0xfff) << 8) | ((minor & ~0xffL) << 12))
        & 0xffffffffL;
  }
}
