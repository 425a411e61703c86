package dev.autoconvert.worker.conversion;

import dev.autoconvert.contracts.ConversionStatus;

/** How a conversion ended when it did not fail. */
public sealed interface Outcome {

  /** The Nydus copy is pushed and the target tag points at it. */
  record Succeeded(String targetDigest, ConversionStatus.Result result) implements Outcome {}

  /** Nothing to do: the source is already Nydus or not a container image. */
  record Skipped(String reason) implements Outcome {}

  /** A conversion of a newer push owns the target tag; no tag was pushed. */
  record Superseded(String targetDigest, String reason) implements Outcome {}
}
