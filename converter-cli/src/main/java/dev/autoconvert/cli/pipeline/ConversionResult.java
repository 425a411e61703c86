package dev.autoconvert.cli.pipeline;

import dev.autoconvert.cli.store.StoredManifest;

/**
 * What a conversion produced, before any tag points at it.
 *
 * @param skipReason non-null when nothing was converted (already Nydus, not an image)
 * @param target the Nydus manifest or index, pushed by digest; null when skipped
 * @param sourceDigest digest of the source manifest or index
 * @param sourceBytes compressed source layer bytes read
 * @param targetBytes Nydus blob, bootstrap layer and config bytes of the result
 * @param layersConverted layers converted by this run
 * @param layersFromCache layers taken from the layer cache
 * @param pullMillis time spent waiting for source content
 * @param convertMillis time spent converting (the streaming pass, minus the pull waits)
 * @param pushMillis time spent pushing blobs and manifests
 */
public record ConversionResult(
    String skipReason,
    StoredManifest target,
    String sourceDigest,
    long sourceBytes,
    long targetBytes,
    int layersConverted,
    int layersFromCache,
    long pullMillis,
    long convertMillis,
    long pushMillis) {

  public boolean skipped() {
    return skipReason != null;
  }

  static ConversionResult skipped(String sourceDigest, String reason) {
    return new ConversionResult(reason, null, sourceDigest, 0, 0, 0, 0, 0, 0, 0);
  }
}
