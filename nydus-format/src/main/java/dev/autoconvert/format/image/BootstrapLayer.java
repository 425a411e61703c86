package dev.autoconvert.format.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * The last layer of a Nydus image: a gzip-compressed tar holding the merged bootstrap as {@code
 * image/image.boot} (§5.2). Deterministic: the same bootstrap always gives the same digest.
 *
 * @param gzip the layer blob as pushed
 * @param digest {@code sha256:} of {@link #gzip}, the layer digest
 * @param diffId {@code sha256:} of the uncompressed tar, its {@code rootfs.diff_ids} entry
 */
public record BootstrapLayer(byte[] gzip, String digest, String diffId) {
  /** Where consumers (nydus-snapshotter, nydusd) look for the bootstrap inside the layer. */
  public static final String BOOTSTRAP_PATH = "image/image.boot";

  private static final String DIRECTORY = "image/";
  private static final int DIRECTORY_MODE = 0755;
  private static final int BOOTSTRAP_MODE = 0444;

  public long size() {
    return gzip.length;
  }

  /** Packs a merged bootstrap as the layer nydus tooling writes: {@code image/} then the file. */
  public static BootstrapLayer of(byte[] mergedBootstrap) {
    try {
      ByteArrayOutputStream gzipBytes =
          new ByteArrayOutputStream(mergedBootstrap.length / 4 + 1024);
      MessageDigest tarDigest = Json.sha256Digest();
      try (GZIPOutputStream gzip = new GZIPOutputStream(gzipBytes);
          OutputStream hashed = new DigestOutputStream(gzip, tarDigest);
          TarArchiveOutputStream tar = new TarArchiveOutputStream(hashed)) {
        tar.putArchiveEntry(entry(DIRECTORY, TarConstants.LF_DIR, DIRECTORY_MODE, 0));
        tar.closeArchiveEntry();
        tar.putArchiveEntry(
            entry(BOOTSTRAP_PATH, TarConstants.LF_NORMAL, BOOTSTRAP_MODE, mergedBootstrap.length));
        tar.write(mergedBootstrap);
        tar.closeArchiveEntry();
        tar.finish();
      }
      byte[] layer = gzipBytes.toByteArray();
      String diffId = "sha256:" + HexFormat.of().formatHex(tarDigest.digest());
      return new BootstrapLayer(layer, Json.sha256(layer), diffId);
    } catch (IOException e) {
      throw new UncheckedIOException("in-memory streams do not fail", e);
    }
  }

  private static TarArchiveEntry entry(String name, byte type, int mode, long size) {
    TarArchiveEntry entry = new TarArchiveEntry(name, type);
    entry.setMode(mode);
    entry.setSize(size);
    entry.setUserId(0);
    entry.setGroupId(0);
    entry.setModTime(0);
    return entry;
  }
}
