package dev.autoconvert.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoconvert.oci.Digest;
import dev.autoconvert.oci.ErrorKind;
import dev.autoconvert.oci.RegistryException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResumableBlobStreamTests {
  private static final byte[] CONTENT = RegistryClientIntegrationTests.randomBytes(10_000);
  private final List<Long> offsets = new ArrayList<>();
  private final Backoff backoff =
      new Backoff(
          new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(1)),
          d -> {},
          () -> 0,
          Clock.systemUTC());

  /** Yields {@code content} from {@code start}, then fails like a reset socket. */
  private static InputStream breaking(byte[] content, int start, int breakAfter) {
    ByteArrayInputStream data = new ByteArrayInputStream(content, start, content.length - start);
    return new InputStream() {
      private int given;

      @Override
      public int read() {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (given >= breakAfter) {
          throw new IOException("connection reset");
        }
        int n = data.read(b, off, Math.min(len, breakAfter - given));
        given += Math.max(n, 0);
        return n;
      }
    };
  }

  /** Gives the first bytes, then blocks until closed, like a connection that went silent. */
  private static final class Stalling extends InputStream {
    private final ByteArrayInputStream head;
    private final java.util.concurrent.CountDownLatch closed =
        new java.util.concurrent.CountDownLatch(1);

    Stalling(byte[] content, int headLength) {
      this.head = new ByteArrayInputStream(content, 0, headLength);
    }

    @Override
    public int read() {
      throw new UnsupportedOperationException();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (head.available() > 0) {
        return head.read(b, off, len);
      }
      try {
        closed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new IOException("stream closed");
    }

    @Override
    public void close() {
      closed.countDown();
    }
  }

  private ResumableBlobStream stream(byte[] served, long size, ServerBehaviour behaviour)
      throws RegistryException {
    return new ResumableBlobStream(
            "pull blob test",
            Digest.of(CONTENT),
            size,
            offset -> {
              offsets.add(offset);
              return behaviour.serve(served, offset, offsets.size());
            },
            backoff,
            new ReadWatchdog(Duration.ofMillis(200)))
        .start();
  }

  @FunctionalInterface
  interface ServerBehaviour {
    BlobPuller.Body serve(byte[] content, long offset, int call);
  }

  @Test
  void resumesFromTheBrokenByte() throws IOException {
    try (ResumableBlobStream in =
        stream(
            CONTENT,
            CONTENT.length,
            (content, offset, call) ->
                new BlobPuller.Body(
                    breaking(content, (int) offset, call == 1 ? 4000 : Integer.MAX_VALUE),
                    offset))) {
      assertThat(in.readAllBytes()).isEqualTo(CONTENT);
      assertThat(in.resumes()).isEqualTo(1);
    }
    assertThat(offsets).containsExactly(0L, 4000L);
  }

  @Test
  void stalledConnectionIsClosedAndResumed() throws IOException {
    try (ResumableBlobStream in =
        stream(
            CONTENT,
            CONTENT.length,
            (content, offset, call) -> {
              if (call > 1) {
                return new BlobPuller.Body(
                    new ByteArrayInputStream(content, (int) offset, content.length - (int) offset),
                    offset);
              }
              return new BlobPuller.Body(new Stalling(content, 2000), 0);
            })) {
      assertThat(in.readAllBytes()).isEqualTo(CONTENT);
      assertThat(in.resumes()).isEqualTo(1);
    }
    assertThat(offsets).containsExactly(0L, 2000L);
  }

  @Test
  void registryIgnoringRangeIsSkippedForward() throws IOException {
    try (ResumableBlobStream in =
        stream(
            CONTENT,
            CONTENT.length,
            (content, offset, call) ->
                new BlobPuller.Body(
                    breaking(content, 0, call == 1 ? 3000 : Integer.MAX_VALUE), 0))) {
      assertThat(in.readAllBytes()).isEqualTo(CONTENT);
    }
  }

  @Test
  void givesUpWhenTheConnectionKeepsBreakingWithoutProgress() throws IOException {
    try (ResumableBlobStream in =
        stream(
            CONTENT,
            CONTENT.length,
            (content, offset, call) ->
                new BlobPuller.Body(
                    breaking(content, (int) offset, call == 1 ? 100 : 0), offset))) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
                assertThat(e.getMessage()).contains("at byte 100");
              });
    }
  }

  @Test
  void longerOrDifferentContentIsADigestMismatch() throws IOException {
    byte[] longer = Arrays.copyOf(CONTENT, CONTENT.length + 1);
    try (ResumableBlobStream in =
        stream(
            longer,
            CONTENT.length,
            (content, offset, call) -> new BlobPuller.Body(new ByteArrayInputStream(content), 0))) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> assertThat(e.kind()).isEqualTo(ErrorKind.DIGEST_MISMATCH));
    }
    byte[] flipped = CONTENT.clone();
    flipped[5] ^= 1;
    try (ResumableBlobStream in =
        stream(
            flipped,
            -1,
            (content, offset, call) -> new BlobPuller.Body(new ByteArrayInputStream(content), 0))) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> assertThat(e.getMessage()).contains("content hashes to"));
    }
  }
}
