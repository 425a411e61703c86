package dev.autoconvert.format.bootstrap;

import dev.autoconvert.format.layout.Bytes;
import dev.autoconvert.format.layout.Dirent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Packs sorted directory entries into 4096-byte blocks (NYDUS-FORMAT.md §1.10): per block all
 * dirents, then all names without terminators. One split computation serves both the size needed
 * before nids are known and the encoding afterwards.
 */
final class DirentBlocks {

  /** One name in a directory: raw name, target nid and EROFS file type. */
  record Item(byte[] name, long nid, int fileType) {}

  private final List<Integer> blockStarts = new ArrayList<>();
  private final long size;

  /** Split rule: an entry that does not fit in the rest of the block starts the next block. */
  DirentBlocks(List<byte[]> sortedNames) {
    long d = 0;
    for (int i = 0; i < sortedNames.size(); i++) {
      int need = Dirent.SIZE + sortedNames.get(i).length;
      if (d % Bytes.BLOCK_SIZE + need > Bytes.BLOCK_SIZE) {
        d = Bytes.roundUp(d, Bytes.BLOCK_SIZE);
      }
      if (d % Bytes.BLOCK_SIZE == 0) {
        blockStarts.add(i);
      }
      d += need;
    }
    size = d;
  }

  /** i_size of the directory: full blocks plus the used bytes of the last one. */
  long size() {
    return size;
  }

  /** The directory data, {@link #size()} bytes; items in the order given to the constructor. */
  byte[] encode(List<Item> items) {
    ByteBuffer out = Bytes.buffer((int) size);
    for (int block = 0; block < blockStarts.size(); block++) {
      int from = blockStarts.get(block);
      int to = block + 1 < blockStarts.size() ? blockStarts.get(block + 1) : items.size();
      int base = block * Bytes.BLOCK_SIZE;
      int nameoff = Dirent.SIZE * (to - from);
      for (int i = from; i < to; i++) {
        Item item = items.get(i);
        out.put(
            base + (i - from) * Dirent.SIZE, new Dirent(item.nid, nameoff, item.fileType).encode());
        out.put(base + nameoff, item.name);
        nameoff += item.name.length;
      }
    }
    return out.array();
  }
}
