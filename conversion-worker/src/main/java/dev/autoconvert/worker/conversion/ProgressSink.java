package dev.autoconvert.worker.conversion;

import dev.autoconvert.contracts.ConversionStatus;

/** Where a running conversion reports what it has done so far. */
public interface ProgressSink {

  void progress(ConversionStatus.Progress progress);

  /**
   * The digest the target tag is about to point at. Returns only once the report is durable, so
   * that the registry's echo of the tag push is recognised as the service's own output.
   */
  void targetDigest(String digest, ConversionStatus.Progress progress);
}
