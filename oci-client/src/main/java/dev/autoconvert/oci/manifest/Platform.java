package dev.autoconvert.oci.manifest;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The platform of an index entry (OCI image-index spec; Docker manifest lists use the same). */
public record Platform(
    String architecture,
    String os,
    @JsonProperty("os.version") String osVersion,
    @JsonProperty("os.features") List<String> osFeatures,
    String variant,
    List<String> features) {

  public Platform {
    if (architecture == null || os == null) {
      throw new IllegalArgumentException(
          "platform needs architecture and os, got " + os + "/" + architecture);
    }
    osFeatures = osFeatures == null ? null : List.copyOf(osFeatures);
    features = features == null ? null : List.copyOf(features);
  }

  public static Platform of(String os, String architecture, String variant) {
    return new Platform(architecture, os, null, null, variant, null);
  }

  /** {@code os/architecture[/variant]}, the form {@code --platform} options use. */
  @Override
  public String toString() {
    return os + "/" + architecture + (variant != null ? "/" + variant : "");
  }
}
