package dev.autoconvert.format.convert;

import dev.autoconvert.format.tree.BlobInfo;
import dev.autoconvert.format.tree.Entry;
import java.io.IOException;
import java.util.List;

/** Produces the per-layer RAFS v6 bootstrap that the blob embeds as image.boot. */
@FunctionalInterface
interface BootstrapEncoder {
  byte[] encode(List<Entry> entries, List<BlobInfo> blobs) throws IOException;
}
