package dev.autoconvert.format.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.format.testing.Corpus;
import dev.autoconvert.format.testing.KernelMount;
import dev.autoconvert.format.testing.SyntheticImage;
import dev.autoconvert.format.testing.TreeFacts;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Linux EROFS driver mounts what we write and shows exactly the written tree. */
class KernelMountIntegrationTests {

  @TempDir Path tmp;

  @BeforeAll
  static void needMount() {
    KernelMount.assumeAvailable();
  }

  @Test
  void kernelShowsEveryEntryTypeWithXattrsAndHardlinks() throws Exception {
    SyntheticImage img = Corpus.everyEntryType();
    Path boot = tmp.resolve("corpus.boot");
    Files.write(
        boot,
        BootstrapWriter.write(
            img.entries(), img.blobs(), BootstrapOptions.merged(img.chunkSize())));
    List<Path> caches = img.writeCaches(tmp);
    Path mnt = Files.createDirectory(tmp.resolve("mnt"));

    try (KernelMount m = KernelMount.mount(boot, caches, mnt)) {
      assertThat(
              TreeFacts.differences(
                  TreeFacts.expected(img.entries(), img::content, true),
                  TreeFacts.actual(m.root(), true)))
          .isEmpty();
      Object ino =
          Files.getAttribute(mnt.resolve("usr/bin/ping"), "unix:ino", LinkOption.NOFOLLOW_LINKS);
      assertThat(
              Files.getAttribute(
                  mnt.resolve("etc/ping-elsewhere"), "unix:ino", LinkOption.NOFOLLOW_LINKS))
          .isEqualTo(ino);
      assertThat(Files.getAttribute(mnt, "unix:ino")).as("root nid").isEqualTo(128L);
    }
  }
}
