package dev.autoconvert.testsupport.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarBuilderTests {
  @Test
  void gnuTarReadsEveryEntryKindAndTheLongName(@TempDir Path dir) throws IOException {
    Executables.assumeOnPath("tar");
    String longName = "home/" + "d".repeat(120) + "/file.txt";
    byte[] tar =
        new TarBuilder()
            .directory("etc")
            .file("etc/motd", "hello\n")
            .symlink("etc/link", "motd")
            .hardlink("etc/hard", "etc/motd")
            .whiteout("etc/gone")
            .opaque("opt/app")
            .file(longName, "long\n")
            .build();
    Path archive = dir.resolve("layer.tar");
    Files.write(archive, tar);

    String listing = Executables.run(List.of("tar", "-tvf", archive.toString()));
    Executables.run(List.of("tar", "-xf", archive.toString(), "-C", dir.toString()));

    assertThat(listing)
        .contains("etc/motd", "etc/link -> motd", "etc/hard link to etc/motd", "etc/.wh.gone")
        .contains("opt/app/.wh..wh..opq", longName);
    assertThat(Files.readString(dir.resolve(longName))).isEqualTo("long\n");
    assertThat(tar.length % TarBuilder.BLOCK).isZero();
  }

  @Test
  void paxRecordLengthCountsItselfAcrossTheDigitBoundary() {
    assertThat(new String(TarBuilder.paxRecord("path", "aaaaa"))).isEqualTo("14 path=aaaaa\n");
    for (int size = 80; size < 100; size++) {
      byte[] record = TarBuilder.paxRecord("path", "b".repeat(size));
      String text = new String(record);
      assertThat(Integer.parseInt(text.substring(0, text.indexOf(' ')))).isEqualTo(record.length);
    }
  }
}
