package dev.autoconvert.format.testing;

import static dev.autoconvert.format.testing.SyntheticImage.dir;
import static dev.autoconvert.format.testing.SyntheticImage.file;
import static dev.autoconvert.format.testing.SyntheticImage.hardlink;
import static dev.autoconvert.format.testing.SyntheticImage.node;
import static dev.autoconvert.format.testing.SyntheticImage.symlink;

import dev.autoconvert.format.tree.FileType;
import java.util.List;
import java.util.Random;

/** The round-trip corpus of issue 3: every entry type and the awkward cases of the format. */
public final class Corpus {

  /** Small chunks keep "many chunks" cheap; the writer handles any power of two alike. */
  public static final int CHUNK_SIZE = 64 * 1024;

  /** Valid VFS_CAP_REVISION_2 value granting cap_net_bind_service (the kernel checks it). */
  public static final byte[] CAPABILITY = {
    0x01, 0, 0, 0x02, 0, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
  };

  public static final String LONG_NAME = "long-" + "n".repeat(150);
  public static final String MAX_NAME = "m".repeat(255);
  public static final String UTF8_NAME = "héllo wörld 日本語 ✓";
  public static final String MANY = "/many-entries";
  public static final int MANY_COUNT = 400;
  public static final String PLAIN_DIR = "/plain-dir";

  private Corpus() {}

  public static byte[] data(int length, long seed) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Two blobs so that device ids 1 and 2 both occur. */
  public static SyntheticImage everyEntryType() {
    SyntheticImage img = new SyntheticImage(CHUNK_SIZE, 2);
    img.add(dir("/").mode(0755).mtime(1_600_000_000L))
        .add(dir("/etc").xattr("user.dir-note", "etc").xattr("trusted.overlay.opaque", "y"))
        .add(file("/etc/hostname").content("nydus\n"))
        .add(file("/etc/shadow").mode(0640).owner(0, 42).content("root:*:19000::::::\n"))
        .add(dir("/home/user").mode(0700).owner(1000, 100000))
        .add(file("/home/user/empty").owner(1000, 100000))
        .add(file("/one-chunk").content(data(CHUNK_SIZE, 1)).blob(1))
        .add(file("/one-chunk-plus-one").content(data(CHUNK_SIZE + 1, 2)))
        .add(file("/many-chunks").content(data(5 * CHUNK_SIZE + 4321, 3)).blob(1))
        .add(
            file("/usr/bin/ping")
                .mode(04755)
                .content(data(9000, 4))
                .xattr("security.capability", CAPABILITY)
                .xattr("user.origin", "corpus")
                .xattr("trusted.md5", data(16, 5)))
        .add(hardlink("/usr/bin/ping-hardlink", "/usr/bin/ping"))
        .add(hardlink("/etc/ping-elsewhere", "/usr/bin/ping"))
        .add(dir("/tmp").mode(01777))
        .add(symlink("/bin", "usr/bin"))
        .add(symlink("/dangling", "/does/not/exist"))
        .add(symlink("/long-symlink", "t/".repeat(2047) + "x"))
        .add(node("/dev/null", FileType.CHAR_DEVICE, 1, 3).mode(0666))
        .add(node("/dev/sda", FileType.BLOCK_DEVICE, 8, 0).mode(0660).owner(0, 6))
        .add(node("/dev/big-minor", FileType.CHAR_DEVICE, 259, 70000))
        .add(node("/run/fifo", FileType.FIFO, 0, 0))
        .add(node("/run/socket", FileType.SOCKET, 0, 0).mode(0755))
        .add(file("/names/" + LONG_NAME).content("long name"))
        .add(file("/names/" + MAX_NAME).content("max name"))
        .add(file("/names/" + UTF8_NAME).content("utf-8"))
        .add(file("/names/-dash").content("before dot"))
        .add(file("/names/+plus"))
        .add(file("/names/!bang"))
        .add(dir("/names/#hash-dir"))
        .add(file("/names/.hidden"));
    // ".", "..", 15 x (12 + 255) and 12 + 6 bytes: a 4050-byte directory whose data cannot sit
    // after its 64-byte inode in one block, so it is stored FLAT_PLAIN.
    for (int i = 10; i < 25; i++) {
      img.add(file(PLAIN_DIR + "/" + i + "x".repeat(253)));
    }
    img.add(file(PLAIN_DIR + "/short1"));
    for (int i = 0; i < MANY_COUNT; i++) {
      img.add(
          file(MANY + "/entry-with-a-moderately-long-name-" + i)
              .content(i % 3 == 0 ? data(100 + i, i) : new byte[0])
              .blob(i % 2));
    }
    return img;
  }

  /**
   * Four layers exercising the merge: file and directory whiteouts, an opaque directory, whiteouts
   * in the lowest layer, implied directories, a hardlink group split by an upper layer, a path
   * deleted then re-added, a file replaced by a directory and back, a metadata-only layer.
   */
  public static List<SyntheticImage> layers() {
    SyntheticImage l1 = new SyntheticImage(CHUNK_SIZE, 1, "l1");
    l1.add(dir("/").mode(0755))
        .add(dir("/etc").mode(0751).owner(0, 4).xattr("user.layer", "1"))
        .add(file("/etc/passwd").content("root:x:0:0::/root:/bin/sh\n"))
        .add(file("/etc/group").content("root:x:0:\n"))
        .add(file("/usr/bin/tool").mode(0755).content(data(3 * CHUNK_SIZE + 7, 11)))
        .add(hardlink("/usr/bin/tool-a", "/usr/bin/tool"))
        .add(hardlink("/usr/bin/tool-b", "/usr/bin/tool"))
        .add(dir("/var/lib/data").mode(0700).owner(999, 999))
        .add(file("/var/lib/data/db").content(data(5000, 12)))
        .add(dir("/opaque").mode(0750))
        .add(file("/opaque/lower-a").content("a"))
        .add(dir("/opaque/lower-dir"))
        .add(file("/opaque/lower-dir/x"))
        .add(file("/flip").content("I am a file"))
        .add(node("/dev/null", FileType.CHAR_DEVICE, 1, 3).mode(0666))
        .add(file("/.wh.never-there"))
        .add(file("/etc/.wh..wh..opq"));
    SyntheticImage l2 = new SyntheticImage(CHUNK_SIZE, 1, "l2");
    l2.add(file("/etc/.wh.group"))
        .add(file("/etc/hostname").content("merged\n"))
        .add(file("/var/.wh.lib"))
        .add(file("/opaque/.wh..wh..opq"))
        .add(file("/opaque/upper").content("upper"))
        .add(dir("/flip").mode(0711))
        .add(file("/flip/inside").content("inside"))
        .add(file("/usr/bin/tool").mode(0700).content("replaced"))
        .add(file("/p/q").content("first life"));
    SyntheticImage l3 = new SyntheticImage(CHUNK_SIZE, 1, "l3");
    l3.add(file("/.wh.p")).add(dir("/etc").mode(0755).owner(0, 0).xattr("user.layer", "3"));
    SyntheticImage l4 = new SyntheticImage(CHUNK_SIZE, 1, "l4");
    l4.add(dir("/p").mode(0705))
        .add(file("/p/q").content("second life"))
        .add(symlink("/flip", "flipped-back"))
        .add(file("/var/lib/fresh").content("fresh"));
    return List.of(l1, l2, l3, l4);
  }
}
