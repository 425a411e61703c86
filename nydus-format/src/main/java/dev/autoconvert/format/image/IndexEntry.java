package dev.autoconvert.format.image;

/**
 * One manifest listed in an image index.
 *
 * @param manifest the child manifest's descriptor
 * @param platform its platform; null when the index gives none
 */
public record IndexEntry(Descriptor manifest, Platform platform) {
  private static final String ATTESTATION = "attestation-manifest";

  /** Attestations (provenance, SBOM) are listed like platforms but are not images to convert. */
  public boolean attestation() {
    return (platform != null && platform.unknown())
        || ATTESTATION.equals(manifest.annotations().get(NydusAnnotations.DOCKER_REFERENCE_TYPE));
  }
}
