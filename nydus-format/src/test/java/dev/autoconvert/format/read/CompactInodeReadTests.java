package dev.autoconvert.format.read;

import static dev.autoconvert.format.testing.SyntheticImage.node;
import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.format.bootstrap.BootstrapOptions;
import dev.autoconvert.format.bootstrap.BootstrapWriter;
import dev.autoconvert.format.layout.Bytes;
import dev.autoconvert.format.layout.CompactInode;
import dev.autoconvert.format.layout.ExtendedInode;
import dev.autoconvert.format.testing.SyntheticImage;
import dev.autoconvert.format.tree.Entry;
import dev.autoconvert.format.tree.FileType;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** nydus's directory-based builds wrote 32-byte compact inodes; the reader accepts them. */
class CompactInodeReadTests {

  @Test
  void compactInodeReadsLikeTheExtendedOne() throws Exception {
    SyntheticImage img = new SyntheticImage(4096, 0);
    img.add(node("/dev/tty", FileType.CHAR_DEVICE, 5, 0).mode(0620).owner(0, 5));
    byte[] bytes = BootstrapWriter.write(img.entries(), img.blobs(), BootstrapOptions.merged(4096));
    Bootstrap original = BootstrapReader.read(bytes);
    long nid = original.inode("/dev/tty").nid();
    int at = (int) (original.superblock().metaBlkaddr() * 4096 + nid * 32);
    ByteBuffer buf = Bytes.wrap(bytes);
    ExtendedInode ext = ExtendedInode.decode(buf, at);

    // Same inode, compact form (version bit 0, FLAT_PLAIN), in place of the extended one.
    byte[] compact =
        new CompactInode(
                0,
                0,
                ext.mode(),
                (int) ext.nlink(),
                0,
                0,
                ext.iu(),
                ext.ino(),
                (int) ext.uid(),
                (int) ext.gid())
            .encode();
    buf.put(at, new byte[ExtendedInode.SIZE]);
    buf.put(at, compact);
    Bootstrap rewritten = BootstrapReader.read(bytes);

    Entry tty = rewritten.entry("/dev/tty");
    assertThat(tty.type()).isEqualTo(FileType.CHAR_DEVICE);
    assertThat(tty.mode()).isEqualTo(0620);
    assertThat(tty.gid()).isEqualTo(5);
    assertThat(tty.rdevMajor()).isEqualTo(5);
    assertThat(tty.rdevMinor()).isZero();
    assertThat(rewritten.inode("/dev/tty").nlink()).isEqualTo(1);
  }
}
