package dev.autoconvert.imagespec;

/** Annotation keys nydus tooling writes and reads (§5.6). */
public final class NydusAnnotations {
  public static final String BLOB = "containerd.io/snapshot/nydus-blob";
  public static final String BOOTSTRAP = "containerd.io/snapshot/nydus-bootstrap";
  public static final String FS_VERSION = "containerd.io/snapshot/nydus-fs-version";
  public static final String SOURCE_DIGEST = "containerd.io/snapshot/nydus-source-digest";
  public static final String SOURCE_REFERENCE = "containerd.io/snapshot/nydus-source-reference";

  /** Docker's marker of an attestation manifest inside an index (BuildKit provenance, SBOM). */
  public static final String DOCKER_REFERENCE_TYPE = "vnd.docker.reference.type";

  /** RAFS v6 is the only filesystem version this converter writes. */
  public static final String FS_VERSION_6 = "6";

  private NydusAnnotations() {}
}
