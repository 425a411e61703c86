package dev.autoconvert.format.image;

import dev.autoconvert.imagespec.NydusAnnotations;
import dev.autoconvert.imagespec.SourceKind;

/**
 * One manifest listed in an image index.
 *
 * @param manifest the child manifest's descriptor
 * @param platform its platform; null when the index gives none
 */
public record IndexEntry(Descriptor manifest, Platform platform) {

  /** Attestations (provenance, SBOM) are listed like platforms but are not images to convert. */
  public boolean attestation() {
    return SourceKind.isAttestation(
        platform == null ? null : platform.os(),
        platform == null ? null : platform.architecture(),
        manifest.annotations().get(NydusAnnotations.DOCKER_REFERENCE_TYPE));
  }
}
