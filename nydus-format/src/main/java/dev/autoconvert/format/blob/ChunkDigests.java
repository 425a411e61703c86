package dev.autoconvert.format.blob;

import dev.autoconvert.format.Digester;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.crypto.digests.Blake3Digest;

/** Chunk digests (NYDUS-FORMAT.md §3.3): blake3-256 or sha256 of the uncompressed chunk. */
public final class ChunkDigests {
  private static final ThreadLocal<Blake3Digest> BLAKE3 =
      ThreadLocal.withInitial(() -> new Blake3Digest(256));
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(ChunkDigests::newSha256);

  private ChunkDigests() {}

  /** The 32-byte digest of {@code data[off, off+len)}. */
  public static byte[] digest(Digester digester, byte[] data, int off, int len) {
    byte[] out = new byte[32];
    switch (digester) {
      case BLAKE3 -> {
        Blake3Digest d = BLAKE3.get();
        d.reset();
        d.update(data, off, len);
        d.doFinal(out, 0);
      }
      case SHA256 -> {
        MessageDigest d = SHA256.get();
        d.update(data, off, len);
        out = d.digest();
      }
      default -> throw new IllegalArgumentException("digester " + digester);
    }
    return out;
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
