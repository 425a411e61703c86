package dev.autoconvert.oci;

import java.util.List;
import java.util.Set;

/** Media types of OCI, Docker schema 2 and Nydus artifacts (NYDUS-FORMAT.md §5.6). */
public final class MediaTypes {
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
  public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
  public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";

  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  public static final String DOCKER_LAYER_GZIP =
      "application/vnd.docker.image.rootfs.diff.tar.gzip";
  public static final String DOCKER_FOREIGN_LAYER_GZIP =
      "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

  /** Nydus data blob layer. */
  public static final String NYDUS_BLOB = "application/vnd.oci.image.layer.nydus.blob.v1";

  /** Config media type of Nydus manifests in merge-platform mode. */
  public static final String NYDUS_CONFIG = "application/vnd.nydus.image.config.v1+json";

  /** artifactType of Nydus entries in a merge-platform index. */
  public static final String NYDUS_MANIFEST_ARTIFACT =
      "application/vnd.nydus.image.manifest.v1+json";

  /**
   * Every manifest type a pull accepts. Distribution 2.8 answers 404 for an OCI manifest or index
   * unless the Accept header names its type, so every request sends all four.
   */
  public static final List<String> MANIFEST_ACCEPT =
      List.of(OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST);

  private static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_MANIFEST_LIST);
  private static final Set<String> MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);

  private MediaTypes() {}

  public static boolean isIndex(String mediaType) {
    return INDEXES.contains(mediaType);
  }

  public static boolean isManifest(String mediaType) {
    return MANIFESTS.contains(mediaType);
  }
}
