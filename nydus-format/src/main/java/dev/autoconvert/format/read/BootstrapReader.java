package dev.autoconvert.format.read;

import dev.autoconvert.format.FormatException;

/** Parses RAFS v6 bootstraps, ours and upstream's (NYDUS-FORMAT.md §1). */
public final class BootstrapReader {

  private BootstrapReader() {}

  public static Bootstrap read(byte[] bootstrap) throws FormatException {
    return read(bootstrap, "bootstrap");
  }

  /** {@code resource} names the bootstrap in error messages (a file name, a blob digest). */
  public static Bootstrap read(byte[] bootstrap, String resource) throws FormatException {
    throw new FormatException(resource + ": BootstrapReader not implemented yet");
  }
}
