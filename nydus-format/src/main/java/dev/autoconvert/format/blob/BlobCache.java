package dev.autoconvert.format.blob;

import dev.autoconvert.format.Compressor;
import dev.autoconvert.format.Digester;
import dev.autoconvert.format.FormatException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The uncompressed blob cache (NYDUS-FORMAT.md §3.9): every chunk decompressed at its uncompressed
 * offset, zeros elsewhere. This is what the kernel and erofs-utils read as the blob's device.
 */
public final class BlobCache {
  private BlobCache() {}

  /** Rebuilds the cache of {@code blob} from the blob alone, checking chunk digests on the way. */
  public static void rebuild(Path blob, Path cacheOut) throws IOException {
    try (BlobReader reader = BlobReader.open(blob);
        RandomAccessFile file = new RandomAccessFile(cacheOut.toFile(), "rw")) {
      Compressor compressor = reader.chunkCompressor();
      Digester digester = reader.digester();
      file.setLength(0);
      FileChannel out = file.getChannel();
      for (int i = 0; i < reader.chunkCount(); i++) {
        byte[] data = reader.readChunk(i, compressor);
        if (digester != null) {
          byte[] expected = reader.chunkDigest(i).orElse(null);
          if (expected != null
              && !Arrays.equals(expected, ChunkDigests.digest(digester, data, 0, data.length))) {
            throw new FormatException(
                "blob " + blob.getFileName() + ": chunk " + i + " does not match its digest");
          }
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        long pos = reader.uncompressedOffset(i);
        while (b.hasRemaining()) {
          out.write(b, pos + b.position());
        }
      }
      file.setLength(reader.uncompressedSize());
    }
  }
}
