package dev.autoconvert.format.tar;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads its source on a thread of its own and hands over 1 MiB blocks through a queue of four, so
 * decompressing and hashing the layer overlap with parsing and chunking it. Failures of the source
 * are rethrown to the reader unchanged; memory stays at a few blocks.
 */
final class ReadAheadStream extends BlockReadStream {
  private static final int BLOCK = 1 << 20;
  private static final int DEPTH = 4;
  private static final byte[] END = new byte[0];

  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(DEPTH);
  private final Thread thread;
  private final InputStream source;
  private byte[] current = new byte[0];
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
        byte[] block = new byte[BLOCK];
        int n = source.readNBytes(block, 0, BLOCK);
        if (n == 0) {
          queue.put(END);
          return;
        }
        queue.put(n == BLOCK ? block : Arrays.copyOf(block, n));
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
    while (pos == current.length) {
      if (ended) {
        return -1;
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
      current = (byte[]) next;
      pos = 0;
      if (current == END) {
        ended = true;
        return -1;
      }
    }
    int n = Math.min(len, current.length - pos);
    System.arraycopy(current, pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public void close() throws IOException {
    thread.interrupt();
    source.close();
  }
}
