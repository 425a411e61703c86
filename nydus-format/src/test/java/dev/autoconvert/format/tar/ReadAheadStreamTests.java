package dev.autoconvert.format.tar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReadAheadStreamTests {

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  @Test
  void handsOverEveryByteInOrderAcrossRecycledBlocks() throws IOException {
    // many more blocks than the queue and the free list hold, and a short last one
    byte[] data = random(13 * (1 << 20) + 12_345);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ReadAheadStream in = new ReadAheadStream(new ByteArrayInputStream(data), "test")) {
      byte[] buf = new byte[70_001]; // odd reads that straddle block boundaries
      Random sizes = new Random(7);
      for (int n; (n = in.read(buf, 0, 1 + sizes.nextInt(buf.length))) > 0; ) {
        out.write(buf, 0, n);
      }
      assertThat(in.read(buf, 0, 10)).isEqualTo(-1);
    }
    assertThat(out.toByteArray()).isEqualTo(data);
  }

  @Test
  void skipsAcrossBlocksAndStopsAtTheEnd() throws IOException {
    byte[] data = random(5 * (1 << 20) + 7);
    try (ReadAheadStream in = new ReadAheadStream(new ByteArrayInputStream(data), "test")) {
      assertThat(in.skip(100)).isEqualTo(100);
      assertThat(in.read()).isEqualTo(data[100] & 0xff);
      // from inside the first block to inside the fourth
      assertThat(in.skip(3 * (1 << 20))).isEqualTo(3 * (1 << 20));
      int at = 101 + 3 * (1 << 20);
      byte[] next = new byte[16];
      assertThat(in.readNBytes(next, 0, 16)).isEqualTo(16);
      assertThat(next).isEqualTo(Arrays.copyOfRange(data, at, at + 16));
      assertThat(in.skip(Long.MAX_VALUE)).isEqualTo(data.length - at - 16);
      assertThat(in.skip(10)).isZero();
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  @Test
  void sourceFailureReachesTheReaderAfterTheDataBeforeIt() throws IOException {
    byte[] data = random(3 << 20);
    InputStream failing =
        new SequenceInputStream(
            new ByteArrayInputStream(data),
            new InputStream() {
              @Override
              public int read() throws IOException {
                throw new IOException("disk gone");
              }
            });
    try (ReadAheadStream in = new ReadAheadStream(failing, "test")) {
      assertThat(in.readNBytes(data.length)).isEqualTo(data);
      assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessage("disk gone");
    }
  }
}
