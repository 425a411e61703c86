package dev.autoconvert.format.convert;

import dev.autoconvert.format.FormatException;
import dev.autoconvert.format.blob.BlobWriter;
import dev.autoconvert.format.bootstrap.BootstrapOptions;
import dev.autoconvert.format.bootstrap.BootstrapWriter;
import dev.autoconvert.format.tar.LayerReader;
import dev.autoconvert.format.tar.TarItem;
import dev.autoconvert.format.tree.BlobInfo;
import dev.autoconvert.format.tree.Entry;
import dev.autoconvert.format.tree.FileType;
import dev.autoconvert.format.tree.LayerTree;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Converts one OCI layer into a Nydus data blob in a single streaming pass. */
public final class LayerConverter {
  private LayerConverter() {}

  /**
   * Streams one source layer (tar, tar+gzip, tar+zstd; detected by magic, checked against the media
   * type) into a Nydus data blob written to {@code blobOut}, in one pass, without holding the layer
   * in memory. The blob embeds the layer's own bootstrap (blob id placeholder, §3.6).
   *
   * @throws dev.autoconvert.format.FormatException naming the layer and entry for bad input
   */
  public static ConvertedLayer convert(
      InputStream layer, String mediaTypeOrNull, OutputStream blobOut, LayerOptions options)
      throws IOException {
    return convert(layer, mediaTypeOrNull, "layer", blobOut, options);
  }

  /**
   * As {@link #convert(InputStream, String, OutputStream, LayerOptions)}; errors name {@code
   * layerName}.
   */
  public static ConvertedLayer convert(
      InputStream layer,
      String mediaTypeOrNull,
      String layerName,
      OutputStream blobOut,
      LayerOptions options)
      throws IOException {
    BootstrapOptions bootstrapOptions =
        new BootstrapOptions(options.chunkSize(), options.prefetchPatterns(), true);
    return convert(
        layer,
        mediaTypeOrNull,
        layerName,
        blobOut,
        options,
        (entries, blobs) -> {
          try {
            return BootstrapWriter.write(entries, blobs, bootstrapOptions);
          } catch (IllegalArgumentException e) {
            throw new FormatException(layerName + ": " + e.getMessage(), e);
          }
        });
  }

  static ConvertedLayer convert(
      InputStream layer,
      String mediaTypeOrNull,
      String layerName,
      OutputStream blobOut,
      LayerOptions options,
      BootstrapEncoder bootstrap)
      throws IOException {
    Map<String, Pending> byPath = new LinkedHashMap<>();
    BlobWriter.BlobResult result;
    BlobInfo placeholder;
    List<Entry> entries;
    long tarSize;
    try (LayerReader reader =
            LayerReader.open(
                layer, mediaTypeOrNull, layerName, options.limits(), options.threads() > 1);
        BlobWriter writer =
            new BlobWriter(
                blobOut,
                options.compressor(),
                options.chunkSize(),
                options.digester(),
                options.threads())) {
      for (TarItem item = reader.next(); item != null; item = reader.next()) {
        Pending p;
        if (item.kind() == TarItem.Kind.REGULAR) {
          p =
              new Pending(
                  item,
                  writer.addFile(item.data(), item.size(), layerName + ": entry " + item.path()),
                  null);
        } else if (item.kind() == TarItem.Kind.HARDLINK) {
          Pending target = byPath.get(item.linkTarget());
          if (target == null || target.item.kind() != TarItem.Kind.REGULAR) {
            throw new FormatException(
                layerName
                    + ": entry "
                    + item.path()
                    + ": hardlink target "
                    + item.linkTarget()
                    + " was replaced by a later entry");
          }
          p = new Pending(target.item, target.chunks, item.linkTarget());
        } else {
          p = new Pending(item, null, null);
        }
        byPath.remove(item.path());
        byPath.put(item.path(), p);
      }
      tarSize = reader.uncompressedSize();
      placeholder = writer.finishChunks();
      entries = new ArrayList<>(byPath.size());
      for (Map.Entry<String, Pending> e : byPath.entrySet()) {
        entries.add(e.getValue().toEntry(e.getKey()));
      }
      byte[] boot =
          bootstrap.encode(entries, placeholder == null ? List.of() : List.of(placeholder));
      result = writer.finish(boot);
    }
    BlobInfo blob = placeholder == null ? null : withId(placeholder, result.sha256Hex());
    return new ConvertedLayer(
        new LayerTree(blob, entries), result.size(), "sha256:" + result.sha256Hex(), tarSize);
  }

  private static BlobInfo withId(BlobInfo b, String id) {
    return new BlobInfo(
        id,
        b.chunkSize(),
        b.chunkCount(),
        b.compressor(),
        b.digester(),
        b.features(),
        b.compressedSize(),
        b.uncompressedSize(),
        b.ciCompressor(),
        b.ciOffset(),
        b.ciCompressedSize(),
        b.ciUncompressedSize());
  }

  /** A tar object whose chunks are placed once the blob's chunk data is complete. */
  private record Pending(TarItem item, BlobWriter.FileChunks chunks, String hardlinkTo) {
    Entry toEntry(String path) {
      FileType type =
          switch (item.kind()) {
            case REGULAR, HARDLINK -> FileType.REGULAR;
            case DIRECTORY -> FileType.DIRECTORY;
            case SYMLINK -> FileType.SYMLINK;
            case CHAR_DEVICE -> FileType.CHAR_DEVICE;
            case BLOCK_DEVICE -> FileType.BLOCK_DEVICE;
            case FIFO -> FileType.FIFO;
          };
      boolean device = type == FileType.CHAR_DEVICE || type == FileType.BLOCK_DEVICE;
      long size =
          switch (type) {
            case REGULAR -> item.size();
            case SYMLINK -> item.linkTarget().getBytes(StandardCharsets.UTF_8).length;
            default -> 0;
          };
      return new Entry(
          path,
          type,
          item.mode(),
          item.uid(),
          item.gid(),
          item.mtime(),
          item.mtimeNanos(),
          size,
          type == FileType.SYMLINK ? item.linkTarget() : null,
          hardlinkTo,
          device ? item.devMajor() : 0,
          device ? item.devMinor() : 0,
          item.xattrs(),
          chunks == null ? List.of() : chunks.chunks());
    }
  }
}
