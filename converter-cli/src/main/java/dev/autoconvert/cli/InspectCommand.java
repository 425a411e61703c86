package dev.autoconvert.cli;

import dev.autoconvert.cli.store.StoredManifest;
import dev.autoconvert.format.image.Descriptor;
import dev.autoconvert.format.image.IndexEntry;
import dev.autoconvert.format.image.SourceImage;
import dev.autoconvert.format.image.SourceIndex;
import dev.autoconvert.format.read.Bootstrap;
import dev.autoconvert.format.read.BootstrapReader;
import dev.autoconvert.format.tree.BlobInfo;
import dev.autoconvert.format.tree.Chunk;
import dev.autoconvert.format.tree.Entry;
import dev.autoconvert.imagespec.MediaTypes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** {@code inspect}: a bootstrap's superblock, blob table, tree, and one file's chunks. */
final class InspectCommand {
  private static final Set<String> VALUED =
      Set.of(
          "--bootstrap",
          "--image",
          "--path",
          "--platform",
          RegistryAccess.AUTHFILE,
          RegistryAccess.CA_CERTIFICATES,
          RegistryAccess.CERT_DIR);
  private static final Set<String> FLAGS = Set.of(RegistryAccess.PLAIN_HTTP, "--tree");

  private InspectCommand() {}

  static int run(List<String> args, PrintStream out) throws IOException {
    Arguments a = Arguments.parse(args, VALUED, FLAGS);
    String file = a.optional("--bootstrap", null);
    String image = a.optional("--image", null);
    if ((file == null) == (image == null)) {
      throw new UsageException("inspect needs exactly one of --bootstrap FILE and --image REF");
    }
    byte[] boot =
        file != null
            ? Files.readAllBytes(Path.of(file))
            : fromImage(Location.parse(image, RegistryAccess.of(a)), a);
    Bootstrap b = BootstrapReader.read(boot, file != null ? file : image);
    out.println("superblock: " + b.superblock());
    out.println("extended superblock: " + b.extSuperblock());
    out.println(
        "root nid: "
            + b.rootNid()
            + ", chunk size: "
            + b.chunkSize()
            + ", entries: "
            + b.entries().size());
    out.println("blobs:");
    for (int i = 0; i < b.blobs().size(); i++) {
      BlobInfo blob = b.blobs().get(i);
      out.printf(
          "  [%d] %s chunks=%d compressed=%d uncompressed=%d compressor=%s digester=%s features=0x%x%n",
          i,
          blob.blobId(),
          blob.chunkCount(),
          blob.compressedSize(),
          blob.uncompressedSize(),
          blob.compressor().cliName(),
          blob.digester().cliName(),
          blob.features());
    }
    out.println("prefetch nids: " + b.prefetchNids());
    if (a.flag("--tree")) {
      for (Entry e : b.entries()) {
        out.printf(
            "  %-9s %04o %d:%d %10d %s%s%n",
            e.type(),
            e.mode(),
            e.uid(),
            e.gid(),
            e.size(),
            e.path(),
            e.linkTarget() != null ? " -> " + e.linkTarget() : "");
      }
    }
    String path = a.optional("--path", null);
    if (path != null) {
      Entry e;
      try {
        e = b.entry(path);
      } catch (IllegalArgumentException notFound) {
        throw new UsageException(notFound.getMessage());
      }
      out.println(
          path
              + ": "
              + e.type()
              + " size "
              + e.size()
              + ", "
              + e.chunks().size()
              + " chunk(s), xattrs "
              + e.xattrs().keySet());
      for (Chunk c : e.chunks()) {
        out.printf(
            "  blob %d ci %d file@%d compressed %d@%d uncompressed %d@%d digest %s crc32c %s%n",
            c.blobIndex(),
            c.index(),
            c.fileOffset(),
            c.compressedSize(),
            c.compressedOffset(),
            c.uncompressedSize(),
            c.uncompressedOffset(),
            HexFormat.of().formatHex(c.digest()),
            c.hasCrc32() ? "%08x".formatted(c.crc32()) : "none");
      }
    }
    return ConverterCli.OK;
  }

  private static byte[] fromImage(Location location, Arguments a) throws IOException {
    StoredManifest top = location.store().manifest(location.reference());
    StoredManifest manifest = top;
    if (MediaTypes.isIndex(top.mediaType())) {
      String p = a.optional("--platform", null);
      List<IndexEntry> entries =
          new SourceIndex(location.text(), top.digest(), top.bytes())
              .select(
                  p == null
                      ? List.of(ConvertCommand.hostPlatform())
                      : List.of(dev.autoconvert.format.image.Platform.parse(p)));
      if (entries.isEmpty()) {
        throw new UsageException(location.text() + " has no manifest of that platform");
      }
      manifest = location.store().manifest(entries.get(0).manifest().digest());
    }
    List<Descriptor> layers =
        new SourceImage(location.text(), manifest.digest(), manifest.bytes(), new byte[0]).layers();
    Descriptor last = layers.get(layers.size() - 1);
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(
            new GZIPInputStream(location.store().openBlob(last.digest(), last.size())))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        if (e.getName().endsWith("image.boot")) {
          return tar.readAllBytes();
        }
      }
    }
    throw new IOException(location.text() + ": last layer holds no image.boot; not a Nydus image");
  }
}
