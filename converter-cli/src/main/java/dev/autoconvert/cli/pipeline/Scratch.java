package dev.autoconvert.cli.pipeline;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounded scratch disk (DESIGN.md invariant 7): every byte written through {@link File#output()} is
 * charged against one limit shared by all conversions of the process, and given back when the file
 * is closed (deleted).
 */
public final class Scratch {
  private final Path dir;
  private final long limit;
  private final AtomicLong used = new AtomicLong();

  public Scratch(Path dir, long limitBytes) throws IOException {
    if (limitBytes <= 0) {
      throw new IllegalArgumentException("scratch limit must be positive, got " + limitBytes);
    }
    this.dir = Files.createDirectories(dir);
    this.limit = limitBytes;
  }

  /** Bytes currently held by open scratch files. */
  public long used() {
    return used.get();
  }

  public long limit() {
    return limit;
  }

  /** A new empty file; close it to delete it and release its bytes. */
  public File newFile(String purpose) throws IOException {
    return new File(Files.createTempFile(dir, purpose + "-", ".tmp"));
  }

  /** The limit would be passed; retrying later (when other conversions finished) may succeed. */
  public static final class ExhaustedException extends IOException {
    ExhaustedException(String message) {
      super(message);
    }
  }

  /** One scratch file. */
  public final class File implements AutoCloseable {
    private final Path path;
    private final AtomicLong charged = new AtomicLong();

    private File(Path path) {
      this.path = path;
    }

    public Path path() {
      return path;
    }

    public long size() {
      return charged.get();
    }

    /** Writes the file from its start, failing once the shared limit would be exceeded. */
    public OutputStream output() throws IOException {
      return new FilterOutputStream(Files.newOutputStream(path)) {
        @Override
        public void write(int b) throws IOException {
          charge(1);
          out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          charge(len);
          out.write(b, off, len);
        }
      };
    }

    private void charge(long bytes) throws ExhaustedException {
      long now = used.addAndGet(bytes);
      if (now > limit) {
        used.addAndGet(-bytes);
        throw new ExhaustedException(
            "scratch space %s exhausted: %d of %d bytes in use, %s needs %d more"
                .formatted(dir, now - bytes, limit, path.getFileName(), bytes));
      }
      charged.addAndGet(bytes);
    }

    @Override
    public void close() throws IOException {
      used.addAndGet(-charged.getAndSet(0));
      Files.deleteIfExists(path);
    }
  }
}
