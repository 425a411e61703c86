package dev.autoconvert.worker.conversion;

import dev.autoconvert.contracts.ConversionRequest;

/** Converts one requested source image into its Nydus copy. */
public interface ImageConversion {

  /**
   * Runs one attempt.
   *
   * @throws ConversionException with a code saying whether another attempt may succeed
   */
  Outcome convert(ConversionRequest request, ProgressSink sink) throws ConversionException;
}
