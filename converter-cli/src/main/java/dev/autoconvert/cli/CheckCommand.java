package dev.autoconvert.cli;

import dev.autoconvert.cli.check.DirectoryTree;
import dev.autoconvert.cli.check.FileNode;
import dev.autoconvert.cli.check.OverlayTree;
import dev.autoconvert.cli.check.TreeComparison;
import dev.autoconvert.cli.store.ImageStore;
import dev.autoconvert.cli.store.StoredManifest;
import dev.autoconvert.format.FormatException;
import dev.autoconvert.format.blob.BlobCache;
import dev.autoconvert.format.blob.BlobMetaFile;
import dev.autoconvert.format.blob.BlobReader;
import dev.autoconvert.format.image.BootstrapLayer;
import dev.autoconvert.format.image.Descriptor;
import dev.autoconvert.format.image.IndexEntry;
import dev.autoconvert.format.image.Platform;
import dev.autoconvert.format.image.SourceImage;
import dev.autoconvert.format.image.SourceIndex;
import dev.autoconvert.format.read.Bootstrap;
import dev.autoconvert.format.read.BootstrapReader;
import dev.autoconvert.format.read.CachedContent;
import dev.autoconvert.format.tree.BlobInfo;
import dev.autoconvert.format.tree.Chunk;
import dev.autoconvert.format.tree.Entry;
import dev.autoconvert.imagespec.MediaTypes;
import dev.autoconvert.imagespec.NydusAnnotations;
import dev.autoconvert.imagespec.SourceKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code check}: like {@code nydusify check}, first the structure of the Nydus image (media types,
 * annotations, diff_ids, config, blob digests), then the bootstrap layer's {@code blob.meta} files
 * against the cache form derived from each blob, then its filesystem: each blob's cache rebuilt
 * from the blob alone, the merged bootstrap extracted by {@code fsck.erofs --extract} (erofs-utils,
 * a third-party reader), and every file compared with the source layers merged by overlay rules.
 */
final class CheckCommand {
  private static final Set<String> VALUED =
      Set.of(
          "--source",
          "--target",
          "--work-dir",
          "--platform",
          RegistryAccess.AUTHFILE,
          RegistryAccess.CA_CERTIFICATES,
          RegistryAccess.CERT_DIR);
  private static final Set<String> FLAGS = Set.of(RegistryAccess.PLAIN_HTTP);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int SHOWN_DIFFERENCES = 50;
  private static final long FSCK_TIMEOUT_MINUTES = 30;

  private CheckCommand() {}

  /**
   * Reads every chunk the merged bootstrap references from its blob cache and checks it against the
   * bootstrap's digest and CRC-32C: what nydusd relies on when it reads through the bootstrap
   * (fsck.erofs only reads the data).
   */
  private static boolean verifyChunks(
      Bootstrap bootstrap, List<Path> caches, List<String> problems, PrintStream out)
      throws IOException {
    Set<Long> seen = new HashSet<>();
    boolean crcs = false;
    try (CachedContent content = new CachedContent(caches)) {
      for (Entry e : bootstrap.entries()) {
        for (Chunk c : e.chunks()) {
          if (seen.add((long) c.blobIndex() << 32 | c.index())) {
            try {
              content.verify(c, bootstrap.blobs().get(c.blobIndex()).digester(), e.path());
            } catch (FormatException bad) {
              problems.add(bad.getMessage());
              return false;
            }
            crcs |= c.hasCrc32();
          }
        }
      }
    }
    out.println(
        "chunks ok: "
            + seen.size()
            + " chunk(s) of the bootstrap match their digests"
            + (crcs ? " and CRC-32C" : "")
            + " in the blob caches");
    return true;
  }

  static int run(List<String> args, PrintStream out) throws IOException {
    Arguments a = Arguments.parse(args, VALUED, FLAGS);
    RegistryAccess access = RegistryAccess.of(a);
    Location source = Location.parse(a.required("--source"), access);
    Location target = Location.parse(a.required("--target"), access);
    Platform platform =
        a.optional("--platform", null) == null
            ? ConvertCommand.hostPlatform()
            : parsePlatform(a.optional("--platform", null));
    Path work = WorkDir.create(a);
    try {
      List<String> problems = check(source, target, platform, work, out);
      if (problems.isEmpty()) {
        out.println("check passed: " + target.text() + " matches " + source.text());
        return ConverterCli.OK;
      }
      out.println("check FAILED: " + problems.size() + " problem(s)");
      problems.stream().limit(SHOWN_DIFFERENCES).forEach(p -> out.println("  " + p));
      if (problems.size() > SHOWN_DIFFERENCES) {
        out.println("  ... and " + (problems.size() - SHOWN_DIFFERENCES) + " more");
      }
      return ConverterCli.CHECK_FAILED;
    } finally {
      WorkDir.delete(work);
    }
  }

  private static Platform parsePlatform(String text) {
    try {
      return Platform.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  static List<String> check(
      Location source, Location target, Platform platform, Path work, PrintStream out)
      throws IOException {
    List<String> problems = new ArrayList<>();
    StoredManifest sourceManifest = image(source.store(), source.reference(), platform);
    StoredManifest targetManifest = image(target.store(), target.reference(), platform);
    if (SourceKind.of(targetManifest.mediaType(), targetManifest.bytes()).kind()
        != SourceKind.Kind.NYDUS) {
      problems.add("target " + target.text() + " is not a Nydus image (no bootstrap layer last)");
      return problems;
    }
    SourceImage src = withConfig(source.store(), source.text(), sourceManifest);
    SourceImage dst = withConfig(target.store(), target.text(), targetManifest);
    List<Descriptor> srcLayers = src.layers();
    List<Descriptor> dstLayers = dst.layers();
    structure(src, dst, srcLayers, dstLayers, problems);
    if (!problems.isEmpty()) {
      return problems;
    }
    out.println("structure ok: " + (dstLayers.size() - 1) + " Nydus blobs + bootstrap layer");

    BootstrapLayerFiles files =
        bootstrapLayer(target.store(), dstLayers.get(dstLayers.size() - 1), problems);
    Path bootFile = Files.write(work.resolve("image.boot"), files.bootstrap());
    Bootstrap bootstrap = BootstrapReader.read(files.bootstrap(), target.text() + " image.boot");
    Map<String, byte[]> unchecked = new LinkedHashMap<>(files.blobMetas());
    List<String> command = new ArrayList<>(List.of("fsck.erofs"));
    List<Path> caches = new ArrayList<>();
    for (BlobInfo blob : bootstrap.blobs()) {
      Descriptor layer = layer(dstLayers, blob.blobId());
      if (layer == null) {
        problems.add(
            "bootstrap names blob sha256:"
                + blob.blobId()
                + ", which is not a layer of the manifest");
        return problems;
      }
      Path blobFile = download(target.store(), layer, work);
      byte[] shipped = unchecked.remove(blob.blobId());
      if (shipped != null) {
        checkBlobMeta(blob.blobId(), blobFile, shipped, problems);
      } else if (!files.blobMetas().isEmpty()) {
        // nydus-snapshotter writes one for every blob with chunks, or none at all (older layouts)
        problems.add(
            "bootstrap layer has no "
                + BootstrapLayer.blobMetaPath(blob.blobId())
                + " although it has blob.meta files for other blobs");
      }
      Path cache = work.resolve(blob.blobId() + ".cache");
      BlobCache.rebuild(blobFile, cache);
      Files.delete(blobFile);
      caches.add(cache);
      command.add("--device=" + cache);
    }
    // the snapshotter also ships files for layers whose chunks the merge no longer references
    for (Map.Entry<String, byte[]> meta : unchecked.entrySet()) {
      Descriptor layer = layer(dstLayers, meta.getKey());
      if (layer == null) {
        problems.add(
            BootstrapLayer.blobMetaPath(meta.getKey()) + " names no layer of the manifest");
        continue;
      }
      Path blobFile = download(target.store(), layer, work);
      checkBlobMeta(meta.getKey(), blobFile, meta.getValue(), problems);
      Files.delete(blobFile);
    }
    if (files.blobMetas().isEmpty()) {
      out.println(
          "note: bootstrap layer has no image/<blob>.blob.meta files (older layout); nydusd"
              + " fetches chunk info from the blobs");
    } else if (problems.isEmpty()) {
      out.println(
          "blob.meta ok: "
              + files.blobMetas().size()
              + " file(s) equal to the cache form derived from their blobs");
    }
    Path extracted = work.resolve("extracted");
    command.add("--extract=" + extracted);
    command.add(bootFile.toString());
    String fsck = exec(command, work);
    if (fsck != null) {
      problems.add("fsck.erofs rejected the image: " + fsck);
      return problems;
    }
    out.println("fsck.erofs ok: " + bootstrap.blobs().size() + " blob device(s), extracted");
    if (!verifyChunks(bootstrap, caches, problems, out)) {
      return problems;
    }

    TreeMap<String, FileNode> actual = DirectoryTree.read(extracted);
    // what fsck.erofs 1.5 cannot extract (xattrs, set-id bits, hardlinks) comes from the bootstrap
    for (Entry e : bootstrap.entries()) {
      FileNode n = actual.get(e.path());
      if (n != null) {
        Map<String, String> x = new TreeMap<>();
        e.xattrs().forEach((k, v) -> x.put(k, HexFormat.of().formatHex(v)));
        actual.put(e.path(), n.withBootstrapFacts(e.mode(), bootstrap.inode(e.path()).nlink(), x));
      }
    }

    OverlayTree expected = new OverlayTree();
    for (Descriptor layer : srcLayers) {
      try (InputStream in = source.store().openBlob(layer.digest(), layer.size())) {
        expected.apply(in, source.text() + " layer " + layer.digest());
      }
    }
    List<String> differences = TreeComparison.differences(expected.nodes(), actual);
    problems.addAll(differences);
    if (differences.isEmpty()) {
      out.println("filesystem ok: " + actual.size() + " objects equal to the source's");
    }
    return problems;
  }

  private static void structure(
      SourceImage src,
      SourceImage dst,
      List<Descriptor> srcLayers,
      List<Descriptor> dstLayers,
      List<String> problems)
      throws IOException {
    if (dstLayers.size() != srcLayers.size() + 1) {
      problems.add(
          "target has %d layers, expected %d Nydus blobs + 1 bootstrap"
              .formatted(dstLayers.size(), srcLayers.size()));
      return;
    }
    for (int i = 0; i < srcLayers.size(); i++) {
      Descriptor l = dstLayers.get(i);
      if (!l.mediaType().equals(MediaTypes.NYDUS_BLOB)
          || !"true".equals(l.annotations().get(NydusAnnotations.BLOB))) {
        problems.add("target layer " + i + " is not a Nydus blob layer: " + l);
      }
    }
    Map<String, String> annotations =
        dev.autoconvert.format.image.NydusImageAssembler.annotations(dst.manifestJson());
    String claimed = annotations.get(NydusAnnotations.SOURCE_DIGEST);
    if (claimed != null && !claimed.equals(src.manifestDigest())) {
      problems.add("target was converted from " + claimed + ", not from " + src.manifestDigest());
    }
    JsonNode srcConfig = JSON.readTree(src.configJson());
    JsonNode dstConfig = JSON.readTree(dst.configJson());
    List<String> diffIds = new ArrayList<>();
    dstConfig.path("rootfs").path("diff_ids").forEach(d -> diffIds.add(d.asString()));
    if (diffIds.size() != dstLayers.size()) {
      problems.add(
          "config has %d diff_ids for %d layers".formatted(diffIds.size(), dstLayers.size()));
    } else {
      for (int i = 0; i < srcLayers.size(); i++) {
        if (!diffIds.get(i).equals(dstLayers.get(i).digest())) {
          problems.add("diff_id " + i + " is " + diffIds.get(i) + ", expected the blob digest");
        }
      }
    }
    if (!srcConfig.path("config").equals(dstConfig.path("config"))) {
      problems.add("config.config differs from the source's");
    }
  }

  /** The image manifest {@code reference} names, the {@code platform} entry of an index. */
  private static StoredManifest image(ImageStore store, String reference, Platform platform)
      throws IOException {
    StoredManifest top = store.manifest(reference);
    if (!MediaTypes.isIndex(top.mediaType())) {
      return top;
    }
    List<IndexEntry> entries =
        new SourceIndex(store.location(), top.digest(), top.bytes()).select(List.of(platform));
    if (entries.isEmpty()) {
      throw new IOException(store.location() + ":" + reference + " has no " + platform + " image");
    }
    return store.manifest(entries.get(0).manifest().digest());
  }

  private static SourceImage withConfig(ImageStore store, String text, StoredManifest manifest)
      throws IOException {
    Descriptor config =
        new SourceImage(text, manifest.digest(), manifest.bytes(), new byte[0]).config();
    byte[] json;
    try (InputStream in = store.openBlob(config.digest(), config.size())) {
      json = in.readAllBytes();
    }
    return new SourceImage(text, manifest.digest(), manifest.bytes(), json);
  }

  /** What the bootstrap layer holds: the merged bootstrap and blob.meta files by blob id. */
  private record BootstrapLayerFiles(byte[] bootstrap, Map<String, byte[]> blobMetas) {}

  /**
   * {@code image/image.boot} (or {@code image.boot}, older images) and the {@code
   * image/<blob>.blob.meta} files of the bootstrap layer; oversized blob.meta files are problems.
   */
  private static BootstrapLayerFiles bootstrapLayer(
      ImageStore store, Descriptor layer, List<String> problems) throws IOException {
    byte[] bootstrap = null;
    Map<String, byte[]> blobMetas = new LinkedHashMap<>();
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(
            new GZIPInputStream(store.openBlob(layer.digest(), layer.size())))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        String name = e.getName().replaceFirst("^\\./", "");
        Optional<String> blobId = BootstrapLayer.blobIdOfMetaPath(name);
        if (name.equals(BootstrapLayer.BOOTSTRAP_PATH) || name.equals("image.boot")) {
          bootstrap = tar.readAllBytes();
        } else if (blobId.isPresent() && e.getSize() > BlobMetaFile.MAX_SIZE) {
          problems.add(name + " has " + e.getSize() + " bytes, more than " + BlobMetaFile.MAX_SIZE);
        } else if (blobId.isPresent() && blobMetas.put(blobId.get(), tar.readAllBytes()) != null) {
          problems.add("bootstrap layer has " + name + " twice");
        }
      }
    }
    if (bootstrap == null) {
      throw new IOException("bootstrap layer " + layer.digest() + " has no image/image.boot");
    }
    return new BootstrapLayerFiles(bootstrap, blobMetas);
  }

  /** The shipped cache form must be what nydusd would build from the blob itself (§3.4). */
  private static void checkBlobMeta(
      String blobId, Path blobFile, byte[] shipped, List<String> problems) throws IOException {
    String path = BootstrapLayer.blobMetaPath(blobId);
    Optional<BlobMetaFile> expected;
    try (BlobReader blob = BlobReader.open(blobFile)) {
      expected = BlobMetaFile.fromBlob(blobId, blob);
    }
    if (expected.isEmpty()) {
      problems.add(path + " is shipped, but blob sha256:" + blobId + " has no chunks");
      return;
    }
    BlobMetaFile actual;
    try {
      actual = BlobMetaFile.parse(blobId, shipped);
    } catch (FormatException e) {
      problems.add(path + " is not a valid blob.meta cache file: " + e.getMessage());
      return;
    }
    String difference = expected.get().firstDifference(actual);
    if (difference != null) {
      problems.add(
          path
              + " differs from the cache form derived from blob sha256:"
              + blobId
              + ": "
              + difference);
    }
  }

  private static Descriptor layer(List<Descriptor> layers, String blobId) {
    String digest = "sha256:" + blobId;
    return layers.stream().filter(l -> l.digest().equals(digest)).findFirst().orElse(null);
  }

  private static Path download(ImageStore store, Descriptor layer, Path work) throws IOException {
    Path file = work.resolve(layer.digest().substring("sha256:".length()) + ".blob");
    try (InputStream in = store.openBlob(layer.digest(), layer.size())) {
      Files.copy(in, file);
    }
    return file;
  }

  /** Runs {@code command}; null when it succeeded, else its exit code and output. */
  private static String exec(List<String> command, Path work) throws IOException {
    Path log = work.resolve("fsck.log");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      if (!p.waitFor(FSCK_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return "timed out";
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while running " + command.get(0), e);
    }
    return p.exitValue() == 0
        ? null
        : "exit " + p.exitValue() + ": " + Files.readString(log).strip();
  }
}
