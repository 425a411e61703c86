package dev.autoconvert.oci.manifest;

import dev.autoconvert.imagespec.MediaTypes;
import java.util.List;
import java.util.Map;

/** An OCI image manifest or a Docker schema 2 manifest (same shape, different media types). */
public record ImageManifest(
    int schemaVersion,
    String mediaType,
    String artifactType,
    Descriptor config,
    List<Descriptor> layers,
    Descriptor subject,
    Map<String, String> annotations) {

  public ImageManifest {
    if (schemaVersion != 2) {
      throw new IllegalArgumentException("manifest schemaVersion " + schemaVersion + " is not 2");
    }
    if (mediaType != null && !MediaTypes.isImageManifest(mediaType)) {
      throw new IllegalArgumentException("'" + mediaType + "' is not an image manifest type");
    }
    if (config == null) {
      throw new IllegalArgumentException("manifest has no config descriptor");
    }
    layers = layers == null ? List.of() : List.copyOf(layers);
    annotations = annotations == null ? null : Map.copyOf(annotations);
  }

  public static ImageManifest of(String mediaType, Descriptor config, List<Descriptor> layers) {
    return new ImageManifest(2, mediaType, null, config, layers, null, null);
  }

  public ImageManifest withAnnotations(Map<String, String> newAnnotations) {
    return new ImageManifest(
        schemaVersion, mediaType, artifactType, config, layers, subject, newAnnotations);
  }
}
