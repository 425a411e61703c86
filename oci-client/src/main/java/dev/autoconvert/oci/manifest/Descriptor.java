package dev.autoconvert.oci.manifest;

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
}
