package dev.autoconvert.format.blob;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import dev.autoconvert.format.Compressor;
import dev.autoconvert.format.FormatException;
import java.util.Arrays;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Per-chunk compression as nydus stores it (NYDUS-FORMAT.md §3.3): zstd as one standard frame
 * (level 3, content size, no checksum), lz4_block as a bare LZ4 block without size prefix.
 * Thread-safe: zstd contexts are per thread.
 */
final class ChunkCodec {
  /** nydus's zstd level. */
  static final int ZSTD_LEVEL = 3;

  private static final LZ4Compressor LZ4 = LZ4Factory.fastestInstance().fastCompressor();
  private static final LZ4SafeDecompressor LZ4_DECOMPRESS =
      LZ4Factory.fastestInstance().safeDecompressor();

  private static final ThreadLocal<ZstdCompressCtx> ZSTD =
      ThreadLocal.withInitial(
          () -> {
            ZstdCompressCtx ctx = new ZstdCompressCtx();
            ctx.setLevel(ZSTD_LEVEL);
            ctx.setContentSize(true);
            ctx.setChecksum(false);
            return ctx;
          });

  private ChunkCodec() {}

  /** Room {@link #compress(Compressor, byte[], int, int, byte[], int)} needs for {@code len}. */
  static int bound(Compressor compressor, int len) {
    return switch (compressor) {
      case NONE -> 0;
      case ZSTD -> (int) Zstd.compressBound(len);
      case LZ4_BLOCK -> LZ4.maxCompressedLength(len);
    };
  }

  /**
   * The compressed form, or null when it would not be strictly smaller (store raw then). For the
   * blob's few one-off segments (CI array, bootstrap); chunks go through the batch buffers.
   */
  static byte[] compress(Compressor compressor, byte[] data, int off, int len) {
    byte[] dst = new byte[bound(compressor, len)];
    int n = compress(compressor, data, off, len, dst, 0);
    return n < 0 ? null : Arrays.copyOf(dst, n);
  }

  /**
   * Compresses into {@code dst} from {@code dstOff}, which has at least {@link #bound} bytes of
   * room; returns the compressed length, or -1 when it would not be strictly smaller.
   */
  static int compress(
      Compressor compressor, byte[] data, int off, int len, byte[] dst, int dstOff) {
    int room = bound(compressor, len);
    int n =
        switch (compressor) {
          case NONE -> len;
          case ZSTD -> ZSTD.get().compressByteArray(dst, dstOff, room, data, off, len);
          case LZ4_BLOCK -> LZ4.compress(data, off, len, dst, dstOff, room);
        };
    return n < len ? n : -1;
  }

  /** Decompresses exactly {@code size} bytes, failing with a message naming {@code where}. */
  static byte[] decompress(Compressor compressor, byte[] data, int size, String where)
      throws FormatException {
    try {
      byte[] out = new byte[size];
      int n =
          switch (compressor) {
            case NONE ->
                throw new FormatException(where + ": stored size differs but compressor is none");
            case ZSTD -> (int) Zstd.decompressByteArray(out, 0, size, data, 0, data.length);
            case LZ4_BLOCK -> LZ4_DECOMPRESS.decompress(data, 0, data.length, out, 0, size);
          };
      if (n != size) {
        throw new FormatException(where + ": decompressed to " + n + " bytes, expected " + size);
      }
      return out;
    } catch (RuntimeException e) {
      throw new FormatException(
          where + ": cannot decompress " + compressor.cliName() + ": " + e.getMessage(), e);
    }
  }
}
