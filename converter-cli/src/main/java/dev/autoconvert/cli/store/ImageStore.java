package dev.autoconvert.cli.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Where images are read from and written to: one repository of a registry, or an OCI image layout
 * directory. References are tags or {@code sha256:} digests.
 */
public interface ImageStore {

  /** Where this store is, for messages and the {@code nydus-source-reference} annotation. */
  String location();

  /** The repository name inside its registry; blobs can be mounted between repositories. */
  String repository();

  /** The manifest {@code reference} names; fails when it does not exist. */
  StoredManifest manifest(String reference) throws IOException;

  /** The manifest {@code reference} names, or empty when there is none. */
  Optional<StoredManifest> findManifest(String reference) throws IOException;

  /** Streams a blob, verifying its digest by the time the stream ends. */
  InputStream openBlob(String digest, long size) throws IOException;

  /**
   * Stores a blob unless present; with {@code mountFrom} (another repository of the same registry,
   * or null) the registry is first asked to link it from there.
   */
  BlobPush pushBlob(String digest, long size, Content content, String mountFrom) throws IOException;

  /** Stores {@code manifest} under {@code reference} (a tag, or its own digest). */
  void pushManifest(String reference, StoredManifest manifest) throws IOException;

  /** Content that can be read again from the start (uploads are retried). */
  @FunctionalInterface
  interface Content {
    InputStream open() throws IOException;
  }
}
