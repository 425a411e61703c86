package dev.autoconvert.oci.manifest;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.autoconvert.oci.Digest;
import java.util.List;
import java.util.Map;

/** An OCI content descriptor: what a manifest or index says about a blob or manifest it names. */
public record Descriptor(
    String mediaType,
    String artifactType,
    Digest digest,
    long size,
    List<String> urls,
    Map<String, String> annotations,
    Platform platform) {

  /** Docker buildx marks attestation manifests in an index with this annotation. */
  public static final String DOCKER_REFERENCE_TYPE = "vnd.docker.reference.type";

  public Descriptor {
    if (mediaType == null || mediaType.isEmpty()) {
      throw new IllegalArgumentException("descriptor of " + digest + " has no mediaType");
    }
    if (digest == null) {
      throw new IllegalArgumentException("descriptor of type " + mediaType + " has no digest");
    }
    if (size < 0) {
      throw new IllegalArgumentException("descriptor " + digest + " has negative size " + size);
    }
    urls = urls == null ? null : List.copyOf(urls);
    annotations = annotations == null ? null : Map.copyOf(annotations);
  }

  public static Descriptor of(String mediaType, Digest digest, long size) {
    return new Descriptor(mediaType, null, digest, size, null, null, null);
  }

  public Descriptor withAnnotations(Map<String, String> newAnnotations) {
    return new Descriptor(mediaType, artifactType, digest, size, urls, newAnnotations, platform);
  }

  public Descriptor withPlatform(Platform newPlatform) {
    return new Descriptor(mediaType, artifactType, digest, size, urls, annotations, newPlatform);
  }

  public String annotation(String key) {
    return annotations == null ? null : annotations.get(key);
  }

  /** True for the attestation entries buildx adds to an index; they are not runnable images. */
  @JsonIgnore
  public boolean isAttestation() {
    return "attestation-manifest".equals(annotation(DOCKER_REFERENCE_TYPE));
  }
}
