package dev.autoconvert.cli.store;

import dev.autoconvert.oci.Digest;
import dev.autoconvert.oci.ErrorKind;
import dev.autoconvert.oci.ImageReference;
import dev.autoconvert.oci.RegistryException;
import dev.autoconvert.oci.manifest.RawManifest;
import dev.autoconvert.oci.registry.BlobSource;
import dev.autoconvert.oci.registry.RegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** One repository of a registry, through the OCI distribution client. */
public final class RegistryImageStore implements ImageStore {
  private final RegistryClient client;
  private final String registry;
  private final String repository;

  public RegistryImageStore(RegistryClient client, String registry, String repository) {
    this.client = client;
    this.registry = registry;
    this.repository = repository;
    reference("latest"); // validates registry and repository now, naming them
  }

  @Override
  public String location() {
    return registry + "/" + repository;
  }

  @Override
  public String repository() {
    return repository;
  }

  @Override
  public StoredManifest manifest(String reference) throws IOException {
    RawManifest raw = client.pullManifest(reference(reference));
    return new StoredManifest(raw.mediaType(), raw.digest().toString(), raw.bytes());
  }

  @Override
  public Optional<StoredManifest> findManifest(String reference) throws IOException {
    try {
      return Optional.of(manifest(reference));
    } catch (RegistryException e) {
      if (e.kind() == ErrorKind.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public InputStream openBlob(String digest, long size) throws IOException {
    return client.openBlob(reference("latest"), Digest.parse(digest), size);
  }

  @Override
  public BlobPush pushBlob(String digest, long size, Content content, String mountFrom)
      throws IOException {
    BlobSource blob = BlobSource.of(Digest.parse(digest), size, content::open);
    return switch (client.pushBlob(reference("latest"), blob, mountFrom)) {
      case EXISTED -> BlobPush.EXISTED;
      case MOUNTED -> BlobPush.MOUNTED;
      case UPLOADED -> BlobPush.UPLOADED;
    };
  }

  @Override
  public void pushManifest(String reference, StoredManifest manifest) throws IOException {
    client.pushManifest(
        reference(reference), RawManifest.of(manifest.mediaType(), manifest.bytes()));
  }

  private ImageReference reference(String tagOrDigest) {
    if (tagOrDigest.startsWith("sha256:")) {
      return ImageReference.of(registry, repository, "latest")
          .withDigest(Digest.parse(tagOrDigest));
    }
    return ImageReference.of(registry, repository, tagOrDigest);
  }
}
