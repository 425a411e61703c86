package dev.autoconvert.format.image;

import java.util.Map;

/**
 * Choices in assembling the Nydus manifest.
 *
 * @param withReferrer name the source as the manifest's OCI {@code subject} (OCI targets only)
 * @param annotations extra manifest (and index) annotations, e.g. the service's own bookkeeping
 */
public record AssemblyOptions(boolean withReferrer, Map<String, String> annotations) {

  public AssemblyOptions {
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }
}
