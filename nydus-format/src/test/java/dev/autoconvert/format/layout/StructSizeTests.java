package dev.autoconvert.format.layout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Every on-disk struct encodes to exactly its SIZE and decodes back (cf. erofs_check_ondisk). */
class StructSizeTests {

  private static <T> void roundTrips(
      T value, int size, Function<ByteBuffer, T> decode, byte[] encoded) {
    assertThat(encoded).as(value.getClass().getSimpleName()).hasSize(size);
    ByteBuffer padded = Bytes.buffer(size + 8);
    padded.put(4, encoded);
    assertThat(decode.apply(padded.slice(4, size).order(java.nio.ByteOrder.LITTLE_ENDIAN)))
        .isEqualTo(value);
  }

  @Test
  void everyStructEncodesToItsSizeAndBack() {
    Superblock sb = new Superblock(0x40000000L, 12, 0, 128, 3, 9, 2, 0, 0xC, 0, 1, 11);
    roundTrips(sb, 128, b -> Superblock.decode(b, 0), sb.encode());
    ExtSuperblock ext = new ExtSuperblock(0x194, 4096, 256, 1 << 20, 16384, 160, 4352, 4);
    roundTrips(ext, 256, b -> ExtSuperblock.decode(b, 0), ext.encode());
    DeviceSlot slot = new DeviceSlot("a".repeat(64), 9, 512);
    roundTrips(slot, 128, b -> DeviceSlot.decode(b, 0), slot.encode());
    BlobTableEntry blob =
        new BlobTableEntry(
            "b".repeat(64), 3, 1 << 20, 2, 3, 0, 0x70000021L, 14554, 36864, 0, 0, 8314, 32, 32);
    roundTrips(blob, 256, b -> BlobTableEntry.decode(b, 0), blob.encode());
    ExtendedInode inode =
        new ExtendedInode(9, 6, 0100644, 16931, 0x28, 2, 1000, 100000, 1_700_000_000L, 5, 1);
    roundTrips(inode, 64, b -> ExtendedInode.decode(b, 0), inode.encode());
    CompactInode compact = new CompactInode(4, 0, 040755, 2, 67, 0, 3, 1, 0, 0);
    roundTrips(compact, 32, b -> CompactInode.decode(b, 0), compact.encode());
    Dirent dirent = new Dirent(133, 51, Dirent.FT_REG_FILE);
    roundTrips(dirent, 12, b -> Dirent.decode(b, 0), dirent.encode());
    ChunkIndex index = new ChunkIndex(1, 0x10001, 5);
    roundTrips(index, 8, b -> ChunkIndex.decode(b, 0), index.encode());
    XattrHeader header = new XattrHeader(0, 0);
    roundTrips(header, 12, b -> XattrHeader.decode(b, 0), header.encode());

    ChunkInfo info = new ChunkInfo(new byte[32], 1, 1, 2974, 13400, 4828, 20480, 0, 1, 0);
    byte[] encoded = info.encode();
    assertThat(encoded).hasSize(ChunkInfo.SIZE);
    ChunkInfo back = ChunkInfo.decode(Bytes.wrap(encoded), 0);
    assertThat(
            List.of(
                back.blobIndex(),
                back.flags(),
                back.compressedSize(),
                back.uncompressedSize(),
                back.compressedOffset(),
                back.uncompressedOffset(),
                back.index()))
        .containsExactly(1, 1, 2974L, 13400L, 4828L, 20480L, 1L);

    XattrEntry x = new XattrEntry("trusted.overlay.opaque", new byte[] {'y'});
    assertThat(x.encode()).hasSize(XattrEntry.SIZE + 14 + 1 + 1).hasSize(x.encodedSize());
    assertThat(XattrEntry.decode(Bytes.wrap(x.encode()), 0)).isEqualTo(x);
  }

  @Test
  void chunkIndexKeepsNydusCiBitsInTheHighDeviceByte() {
    byte[] encoded = new ChunkIndex(0, 0x10001, 5).encode();

    // [ci low 16][blob_index + 1 | ci bits 16-23 << 8][blkaddr], as in NYDUS-FORMAT.md §1.11.
    assertThat(encoded).containsExactly(0x01, 0x00, 0x01, 0x01, 0x05, 0x00, 0x00, 0x00);
  }

  @Test
  void opaqueXattrMatchesTheSpecExample() {
    byte[] area = new byte[12 + 20];
    System.arraycopy(
        new XattrEntry("trusted.overlay.opaque", new byte[] {'y'}).encode(), 0, area, 12, 20);

    // NYDUS-FORMAT.md §1.13: 32 bytes, i_xattr_icount 6, entry 0e 04 01 00.
    assertThat(XattrHeader.icount(area.length)).isEqualTo(6);
    assertThat(XattrHeader.areaSize(6)).isEqualTo(32);
    assertThat(area[12]).isEqualTo((byte) 0x0e);
    assertThat(area[13]).isEqualTo((byte) 0x04);
    assertThat(area[14]).isEqualTo((byte) 0x01);
  }
}
