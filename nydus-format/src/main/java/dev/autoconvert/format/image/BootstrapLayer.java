package dev.autoconvert.format.image;

import dev.autoconvert.format.blob.BlobMetaFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * The last layer of a Nydus image: a gzip-compressed tar holding the merged bootstrap as {@code
 * image/image.boot}, then each blob's CI array in nydusd's cache form as {@code image/<blob
 * id>.blob.meta}, as nydus-snapshotter ≥ 0.15.7 writes it (§5.2, §3.4). Deterministic: the same
 * inputs always give the same digest.
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

  /** Read-only, as the snapshotter writes every file of this layer. */
  private static final int FILE_MODE = 0444;

  private static final Pattern BLOB_META_PATH =
      Pattern.compile(
          Pattern.quote(DIRECTORY) + "([0-9a-f]{64})" + Pattern.quote(BlobMetaFile.SUFFIX));

  public long size() {
    return gzip.length;
  }

  /**
   * Packs a merged bootstrap as the layer nydus tooling writes: {@code image/}, the bootstrap, then
   * {@code blobMetas} in the given order (nydus-snapshotter: layer order).
   *
   * @param blobMetas at most one per blob, e.g. {@link BlobMetaFile#forLayers}
   */
  public static BootstrapLayer of(byte[] mergedBootstrap, List<BlobMetaFile> blobMetas) {
    Set<String> ids = new HashSet<>();
    for (BlobMetaFile meta : blobMetas) {
      if (!ids.add(meta.blobId())) {
        throw new IllegalArgumentException("two blob.meta files for blob " + meta.blobId());
      }
    }
    try {
      ByteArrayOutputStream gzipBytes =
          new ByteArrayOutputStream(mergedBootstrap.length / 4 + 1024);
      MessageDigest tarDigest = Json.sha256Digest();
      try (GZIPOutputStream gzip = new GZIPOutputStream(gzipBytes);
          OutputStream hashed = new DigestOutputStream(gzip, tarDigest);
          TarArchiveOutputStream tar = new TarArchiveOutputStream(hashed)) {
        tar.putArchiveEntry(entry(DIRECTORY, TarConstants.LF_DIR, DIRECTORY_MODE, 0));
        tar.closeArchiveEntry();
        writeFile(tar, BOOTSTRAP_PATH, mergedBootstrap);
        for (BlobMetaFile meta : blobMetas) {
          writeFile(tar, blobMetaPath(meta.blobId()), meta.content());
        }
        tar.finish();
      }
      byte[] layer = gzipBytes.toByteArray();
      String diffId = "sha256:" + HexFormat.of().formatHex(tarDigest.digest());
      return new BootstrapLayer(layer, Json.sha256(layer), diffId);
    } catch (IOException e) {
      throw new UncheckedIOException("in-memory streams do not fail", e);
    }
  }

  /** Where the layer holds the cache-form CI array of blob {@code blobId} (64 hex, no prefix). */
  public static String blobMetaPath(String blobId) {
    return DIRECTORY + blobId + BlobMetaFile.SUFFIX;
  }

  /** The blob id a layer entry path names, when it is a {@link #blobMetaPath}. */
  public static Optional<String> blobIdOfMetaPath(String path) {
    Matcher m = BLOB_META_PATH.matcher(path);
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  private static void writeFile(TarArchiveOutputStream tar, String path, byte[] content)
      throws IOException {
    tar.putArchiveEntry(entry(path, TarConstants.LF_NORMAL, FILE_MODE, content.length));
    tar.write(content);
    tar.closeArchiveEntry();
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
