package dev.autoconvert.format.tar;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads its source on a thread of its own and hands over 1 MiB blocks through a queue of four, so
 * decompressing the layer overlaps with parsing and chunking it. Failures of the source are
 * rethrown to the reader unchanged. Blocks the reader is done with go back to the pump, so memory
 * stays at a few blocks and no 1 MiB array (a humongous object for G1) is allocated per MiB. The
 * blocks are this stream's buffer: nothing needs to buffer it again.
 */
final class ReadAheadStream extends BlockReadStream {
  private static final int BLOCK = 1 << 20;
  private static final int DEPTH = 4;
  private static final Block END = new Block(new byte[0], 0);

  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(DEPTH);
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(DEPTH + 2);
  private final Thread thread;
  private final InputStream source;
  private Block current = END;
  private int pos;
  private boolean ended;

  ReadAheadStream(InputStream source, String name) {
    this.source = source;
    this.thread = new Thread(this::pump, "read-ahead " + name);
    thread.setDaemon(true);
    thread.start();
  }

  private void pump() {
    try {
      while (true) {
        byte[] data = free.poll();
        if (data == null) {
          data = new byte[BLOCK];
        }
        int n = source.readNBytes(data, 0, BLOCK);
        if (n == 0) {
          queue.put(END);
          return;
        }
        queue.put(new Block(data, n));
      }
    } catch (InterruptedException e) {
      // closed by the reader
    } catch (IOException | RuntimeException e) {
      try {
        queue.put(e);
      } catch (InterruptedException closed) {
        // closed by the reader
      }
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    int n = Math.min(len, current.length() - pos);
    System.arraycopy(current.data(), pos, b, off, n);
    pos += n;
    return n;
  }

  /** Skips without copying: tar padding and the data of entries nobody reads. */
  @Override
  public long skip(long n) throws IOException {
    long skipped = 0;
    while (skipped < n && fill()) {
      int k = (int) Math.min(n - skipped, current.length() - pos);
      pos += k;
      skipped += k;
    }
    return skipped;
  }

  /** Makes the current block have unread bytes; false at the end of the source. */
  private boolean fill() throws IOException {
    while (pos == current.length()) {
      if (ended) {
        return false;
      }
      Object next;
      try {
        next = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading the layer");
      }
      if (next instanceof IOException e) {
        ended = true;
        throw e;
      }
      if (next instanceof RuntimeException e) {
        ended = true;
        throw e;
      }
      if (current != END) {
        free.offer(current.data());
      }
      current = (Block) next;
      pos = 0;
      if (current == END) {
        ended = true;
        return false;
      }
    }
    return true;
  }

  /** {@code length} bytes of {@code data} hold layer data. */
  private record Block(byte[] data, int length) {}

  @Override
  public void close() throws IOException {
    thread.interrupt();
    source.close();
  }
}
