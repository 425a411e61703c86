package dev.autoconvert.oci.registry;

import dev.autoconvert.oci.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Content to push as a blob. {@link #open()} may be called more than once: retries and restarted
 * uploads read the content again from the start.
 */
public interface BlobSource {
  Digest digest();

  long size();

  InputStream open() throws IOException;

  /** A file whose digest and size the caller already knows (e.g. computed while writing it). */
  static BlobSource ofFile(Path file, Digest digest, long size) {
    return of(digest, size, () -> Files.newInputStream(file));
  }

  /** A file, hashed once here. */
  static BlobSource ofFile(Path file) throws IOException {
    Digest digest;
    try (InputStream in = Files.newInputStream(file)) {
      digest = Digest.of(in);
    }
    return ofFile(file, digest, Files.size(file));
  }

  static BlobSource ofBytes(byte[] content) {
    byte[] copy = content.clone();
    return of(Digest.of(copy), copy.length, () -> new ByteArrayInputStream(copy));
  }

  static BlobSource of(Digest digest, long size, Opener opener) {
    return new BlobSource() {
      @Override
      public Digest digest() {
        return digest;
      }

      @Override
      public long size() {
        return size;
      }

      @Override
      public InputStream open() throws IOException {
        return opener.open();
      }
    };
  }

  /** Opens the content from its beginning. */
  @FunctionalInterface
  interface Opener {
    InputStream open() throws IOException;
  }
}
