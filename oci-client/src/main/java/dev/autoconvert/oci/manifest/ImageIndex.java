package dev.autoconvert.oci.manifest;

import dev.autoconvert.imagespec.MediaTypes;
import java.util.List;
import java.util.Map;

/** An OCI image index or a Docker schema 2 manifest list. */
public record ImageIndex(
    int schemaVersion,
    String mediaType,
    String artifactType,
    List<Descriptor> manifests,
    Descriptor subject,
    Map<String, String> annotations) {

  public ImageIndex {
    if (schemaVersion != 2) {
      throw new IllegalArgumentException("index schemaVersion " + schemaVersion + " is not 2");
    }
    if (mediaType != null && !MediaTypes.isIndex(mediaType)) {
      throw new IllegalArgumentException("'" + mediaType + "' is not an index type");
    }
    manifests = manifests == null ? List.of() : List.copyOf(manifests);
    annotations = annotations == null ? null : Map.copyOf(annotations);
  }

  public static ImageIndex of(String mediaType, List<Descriptor> manifests) {
    return new ImageIndex(2, mediaType, null, manifests, null, null);
  }

  public ImageIndex withAnnotations(Map<String, String> newAnnotations) {
    return new ImageIndex(
        schemaVersion, mediaType, artifactType, manifests, subject, newAnnotations);
  }
}
