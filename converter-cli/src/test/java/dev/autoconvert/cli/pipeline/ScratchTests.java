package dev.autoconvert.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchTests {
  @TempDir Path dir;

  @Test
  void filesShareOneLimitAndGiveTheirBytesBackWhenClosed() throws IOException {
    Scratch scratch = new Scratch(dir, 1000);
    Scratch.File a = scratch.newFile("a");
    try (OutputStream out = a.output()) {
      out.write(new byte[600]);
    }
    assertThat(scratch.used()).isEqualTo(600);
    try (Scratch.File b = scratch.newFile("b");
        OutputStream out = b.output()) {
      assertThatThrownBy(() -> out.write(new byte[500]))
          .isInstanceOf(Scratch.ExhaustedException.class)
          .hasMessageContaining("600 of 1000 bytes in use");
      out.write(new byte[400]);
      assertThat(scratch.used()).isEqualTo(1000);
    }
    assertThat(scratch.used()).isEqualTo(600);
    a.close();
    assertThat(scratch.used()).isZero();
    assertThat(Files.list(dir)).isEmpty();
  }
}
