package dev.autoconvert.oci.registry;

import dev.autoconvert.oci.Digest;
import dev.autoconvert.oci.ErrorKind;
import dev.autoconvert.oci.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * A blob's content as it streams in, hashed on the way. When the connection breaks it asks again
 * with {@code Range} from the byte it got to; at the end the size and digest must match, or reading
 * fails with {@link ErrorKind#DIGEST_MISMATCH}. Nothing is buffered beyond one read.
 */
final class ResumableBlobStream extends InputStream {
  /** Opens the blob from {@code offset} (through the client's retries and auth). */
  @FunctionalInterface
  interface Opener {
    BlobPuller.Body open(long offset) throws RegistryException;
  }

  private final String action;
  private final Digest expected;
  private final long expectedSize;
  private final Opener opener;
  private final Backoff backoff;
  private final ReadWatchdog watchdog;
  private final MessageDigest sha256 = Digest.newSha256();
  private InputStream current;
  private long position;
  private int failuresWithoutProgress;
  private int resumes;
  private boolean finished;

  ResumableBlobStream(
      String action,
      Digest expected,
      long expectedSize,
      Opener opener,
      Backoff backoff,
      ReadWatchdog watchdog) {
    this.action = action;
    this.expected = expected;
    this.expectedSize = expectedSize;
    this.opener = opener;
    this.backoff = backoff;
    this.watchdog = watchdog;
  }

  /** Opens the first connection now, so that a missing blob fails before anything is read. */
  ResumableBlobStream start() throws RegistryException {
    open();
    return this;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (finished) {
      return -1;
    }
    if (length == 0) {
      return 0;
    }
    while (true) {
      if (current == null) {
        open();
      }
      int n;
      try {
        n = watchdog.read(current, buffer, offset, length);
      } catch (RegistryException e) {
        throw e;
      } catch (IOException e) {
        broken(e);
        continue;
      }
      if (n < 0) {
        finish();
        return -1;
      }
      sha256.update(buffer, offset, n);
      position += n;
      failuresWithoutProgress = 0;
      if (expectedSize >= 0 && position > expectedSize) {
        throw mismatch("more than the expected " + expectedSize + " bytes");
      }
      return n;
    }
  }

  /** How often the download was resumed after a broken connection. */
  int resumes() {
    return resumes;
  }

  private void open() throws RegistryException {
    BlobPuller.Body body = opener.open(position);
    current = body.stream();
    try {
      // A registry that ignores Range sends everything again: skip what we already hashed.
      current.skipNBytes(position - body.start());
    } catch (IOException e) {
      closeQuietly();
      throw new RegistryException(ErrorKind.UNAVAILABLE, action, 0, e.getMessage(), e);
    }
  }

  private void broken(IOException e) throws RegistryException {
    closeQuietly();
    failuresWithoutProgress++;
    if (failuresWithoutProgress >= backoff.maxAttempts()) {
      throw new RegistryException(
          ErrorKind.UNAVAILABLE,
          action,
          0,
          "connection broke at byte " + position + " " + failuresWithoutProgress + " times: " + e,
          e);
    }
    try {
      backoff.sleep(backoff.delay(failuresWithoutProgress - 1));
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new RegistryException(ErrorKind.UNAVAILABLE, action, 0, "interrupted", interrupted);
    }
    resumes++;
  }

  private void finish() throws RegistryException {
    closeQuietly();
    finished = true;
    if (expectedSize >= 0 && position != expectedSize) {
      throw mismatch("got " + position + " bytes, expected " + expectedSize);
    }
    Digest actual = Digest.fromSha256(sha256.digest());
    if (!actual.equals(expected)) {
      throw mismatch("content hashes to " + actual);
    }
  }

  private RegistryException mismatch(String detail) {
    closeQuietly();
    finished = true;
    return new RegistryException(ErrorKind.DIGEST_MISMATCH, action, detail);
  }

  private void closeQuietly() {
    if (current != null) {
      try {
        current.close();
      } catch (IOException ignored) {
        // the connection is gone either way
      }
      current = null;
    }
  }

  @Override
  public void close() {
    closeQuietly();
    finished = true;
  }
}
