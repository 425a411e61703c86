package dev.autoconvert.imagespec;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a pulled manifest is, as far as conversion cares: an image to convert, an index of images,
 * an image nydus tooling (or this service) made, or not a container image at all.
 *
 * @param kind the verdict
 * @param reason why, for SKIPPED statuses and logs
 */
public record SourceKind(Kind kind, String reason) {

  public enum Kind {
    IMAGE,
    INDEX,
    NYDUS,
    NOT_AN_IMAGE
  }

  /** Layer media types whose content is a (possibly compressed) tar this converter reads. */
  private static final Set<String> TAR_LAYERS =
      Set.of(
          MediaTypes.OCI_LAYER,
          MediaTypes.OCI_LAYER_GZIP,
          MediaTypes.OCI_LAYER_ZSTD,
          "application/vnd.oci.image.layer.nondistributable.v1.tar",
          "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
          "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
          MediaTypes.DOCKER_LAYER,
          MediaTypes.DOCKER_LAYER_GZIP,
          MediaTypes.DOCKER_LAYER_ZSTD);

  /** The same mark as a platform os.feature, as nydusify wrote it before 2.3.5 (§5.5). */
  private static final String NYDUS_OS_FEATURE = "nydus.remoteimage.v1";

  /** BuildKit's platform of attestation manifests (provenance, SBOM) in an index. */
  private static final String UNKNOWN = "unknown";

  /** Docker's annotation value marking an attestation manifest in an index. */
  private static final String ATTESTATION = "attestation-manifest";

  /**
   * Classifies {@code json} served with {@code mediaType}.
   *
   * @throws ManifestException when the manifest is not a JSON object
   */
  public static SourceKind of(String mediaType, byte[] json) throws ManifestException {
    ObjectNode manifest = SpecJson.object(json, "manifest");
    String type = mediaType;
    if (type == null || type.isBlank()) {
      type = manifest.path("mediaType").asString("");
    }
    if (MediaTypes.isIndex(type)) {
      for (JsonNode entry : manifest.path("manifests")) {
        if (MediaTypes.NYDUS_MANIFEST_ARTIFACT.equals(entry.path("artifactType").asString(""))
            || entry
                .path("platform")
                .path("os.features")
                .valueStream()
                .anyMatch(feature -> NYDUS_OS_FEATURE.equals(feature.asString("")))) {
          return new SourceKind(Kind.NYDUS, "index already lists a Nydus manifest");
        }
      }
      return new SourceKind(Kind.INDEX, "image index");
    }
    if (!MediaTypes.isImageManifest(type)) {
      return new SourceKind(
          Kind.NOT_AN_IMAGE, "manifest media type '" + type + "' is not an image");
    }
    String artifactType = manifest.path("artifactType").asString("");
    if (!artifactType.isEmpty()) {
      return new SourceKind(Kind.NOT_AN_IMAGE, "artifact of type '" + artifactType + "'");
    }
    String configType = manifest.path("config").path("mediaType").asString("");
    if (!configType.equals(MediaTypes.OCI_CONFIG) && !configType.equals(MediaTypes.DOCKER_CONFIG)) {
      return new SourceKind(
          Kind.NOT_AN_IMAGE,
          "config media type '"
              + configType
              + "' is not an image config (Helm chart or other artifact)");
    }
    List<JsonNode> layers = manifest.path("layers").valueStream().toList();
    if (!layers.isEmpty()
        && "true"
            .equals(
                layers
                    .get(layers.size() - 1)
                    .path("annotations")
                    .path(NydusAnnotations.BOOTSTRAP)
                    .asString(""))) {
      return new SourceKind(Kind.NYDUS, "already a Nydus image (last layer is a Nydus bootstrap)");
    }
    for (int i = 0; i < layers.size(); i++) {
      String layerType = layers.get(i).path("mediaType").asString("");
      if (!TAR_LAYERS.contains(layerType)) {
        return new SourceKind(
            Kind.NOT_AN_IMAGE,
            "layer " + i + " has media type '" + layerType + "', not a tar layer");
      }
    }
    return new SourceKind(Kind.IMAGE, "image");
  }

  /**
   * The digests of the image manifests {@code indexJson} lists, in index order: what a conversion
   * of every platform converts. Nested indexes and attestation manifests are left out.
   *
   * @throws ManifestException when the index is not a JSON object with a manifests array
   */
  public static List<String> imageManifests(byte[] indexJson) throws ManifestException {
    JsonNode manifests = SpecJson.object(indexJson, "index").get("manifests");
    if (manifests == null || !manifests.isArray()) {
      throw new ManifestException("index has no manifests array");
    }
    List<String> digests = new ArrayList<>();
    for (JsonNode entry : manifests) {
      JsonNode platform = entry.path("platform");
      if (MediaTypes.isImageManifest(entry.path("mediaType").asString(""))
          && !isAttestation(
              platform.path("os").asString(""),
              platform.path("architecture").asString(""),
              entry
                  .path("annotations")
                  .path(NydusAnnotations.DOCKER_REFERENCE_TYPE)
                  .asString(""))) {
        digests.add(entry.path("digest").asString(""));
      }
    }
    return digests;
  }

  /**
   * Whether an index entry is an attestation (provenance, SBOM), listed like a platform but no
   * image: BuildKit gives it the platform unknown/unknown, Docker an annotation.
   *
   * @param referenceType the entry's {@code vnd.docker.reference.type} annotation, or null
   */
  public static boolean isAttestation(String os, String architecture, String referenceType) {
    return (UNKNOWN.equals(os) && UNKNOWN.equals(architecture))
        || ATTESTATION.equals(referenceType);
  }
}
