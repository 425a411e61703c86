package dev.autoconvert.cli.pipeline;

import dev.autoconvert.cli.store.BlobPush;
import dev.autoconvert.cli.store.ImageStore;
import dev.autoconvert.cli.store.StoredManifest;
import dev.autoconvert.format.FormatException;
import dev.autoconvert.format.blob.BlobMetaFile;
import dev.autoconvert.format.bootstrap.BootstrapOptions;
import dev.autoconvert.format.bootstrap.BootstrapWriter;
import dev.autoconvert.format.convert.ConvertedLayer;
import dev.autoconvert.format.convert.LayerConverter;
import dev.autoconvert.format.image.AssembledImage;
import dev.autoconvert.format.image.AssemblyOptions;
import dev.autoconvert.format.image.BootstrapLayer;
import dev.autoconvert.format.image.Descriptor;
import dev.autoconvert.format.image.IndexEntry;
import dev.autoconvert.format.image.NydusImageAssembler;
import dev.autoconvert.format.image.SourceImage;
import dev.autoconvert.format.image.SourceIndex;
import dev.autoconvert.format.merge.LayerMerger;
import dev.autoconvert.format.merge.MergedTree;
import dev.autoconvert.format.tree.LayerTree;
import dev.autoconvert.imagespec.ManifestException;
import dev.autoconvert.imagespec.SourceKind;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Converts one source image (manifest or index) into its Nydus copy in a target store: per layer a
 * cache lookup or a streaming pull → convert → push through bounded scratch space, then the merged
 * bootstrap, config and manifest, then (for an index) the index. Everything is pushed by digest,
 * blobs before what refers to them; the tag is the caller's to move.
 */
public final class ImageConverter {
  private static final Logger log = Logger.getLogger(ImageConverter.class.getName());

  /** Image configs are small; a bigger one is not an image config. */
  private static final long MAX_CONFIG_BYTES = 16L << 20;

  private final ImageStore source;
  private final ImageStore target;
  private final Scratch scratch;
  private final LayerCache cache;
  private final Consumer<Progress> progress;

  public ImageConverter(
      ImageStore source,
      ImageStore target,
      Scratch scratch,
      LayerCache cache,
      Consumer<Progress> progress) {
    this.source = source;
    this.target = target;
    this.scratch = scratch;
    this.cache = cache;
    this.progress = progress;
  }

  /**
   * Converts what {@code reference} (tag or digest) names in the source store.
   *
   * @throws UnsupportedSourceException when an index has no manifest of the wanted platforms
   * @throws IOException from the stores, the format (FormatException) or the scratch space
   */
  public ConversionResult convert(String reference, ConvertOptions options) throws IOException {
    StoredManifest top = source.manifest(reference);
    String sourceReference =
        source.location() + (reference.startsWith("sha256:") ? "@" : ":") + reference;
    SourceKind kind = kind(top);
    Run run = new Run(options);
    switch (kind.kind()) {
      case NYDUS, NOT_AN_IMAGE -> {
        return ConversionResult.skipped(top.digest(), kind.reason());
      }
      case IMAGE -> {
        List<Pending> pending = List.of(run.prepare(top, sourceReference));
        run.total = pending.get(0).layers().size();
        StoredManifest result = run.convert(pending.get(0));
        return run.result(top.digest(), result);
      }
      default -> {
        return convertIndex(run, top, sourceReference, options);
      }
    }
  }

  /** What {@code manifest} is; a malformed one is a format error of the source, naming it. */
  private static SourceKind kind(StoredManifest manifest) throws FormatException {
    try {
      return SourceKind.of(manifest.mediaType(), manifest.bytes());
    } catch (ManifestException e) {
      throw new FormatException("manifest " + manifest.digest() + ": " + e.getMessage(), e);
    }
  }

  private ConversionResult convertIndex(
      Run run, StoredManifest top, String sourceReference, ConvertOptions options)
      throws IOException {
    SourceIndex index = new SourceIndex(sourceReference, top.digest(), top.bytes());
    List<IndexEntry> selected = index.select(options.platforms());
    List<IndexEntry> images = new ArrayList<>();
    List<Pending> pending = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (IndexEntry entry : selected) {
      StoredManifest child = source.manifest(entry.manifest().digest());
      SourceKind kind = kind(child);
      if (kind.kind() != SourceKind.Kind.IMAGE) {
        skipped.add(entry.platform() + ": " + kind.reason());
        continue;
      }
      images.add(entry);
      pending.add(run.prepare(child, source.location() + "@" + child.digest()));
    }
    if (pending.isEmpty()) {
      if (!skipped.isEmpty()) {
        return ConversionResult.skipped(top.digest(), "no platform to convert: " + skipped);
      }
      throw new UnsupportedSourceException(
          "index %s has no image manifest for platforms %s"
              .formatted(sourceReference, options.platforms()));
    }
    run.total = pending.stream().mapToInt(p -> p.layers().size()).sum();
    Map<IndexEntry, Descriptor> converted = new LinkedHashMap<>();
    StoredManifest last = null;
    for (int i = 0; i < pending.size(); i++) {
      last = run.convert(pending.get(i));
      converted.put(images.get(i), new Descriptor(last.mediaType(), last.digest(), last.size()));
    }
    if (converted.size() == 1) {
      // nydusify's rule (§5.5): one converted platform is published as that manifest itself
      return run.result(top.digest(), last);
    }
    byte[] json =
        NydusImageAssembler.assembleIndex(
            index, converted, new AssemblyOptions(options.withReferrer(), options.annotations()));
    StoredManifest nydusIndex = StoredManifest.of(index.mediaType(), json);
    run.timePush(() -> target.pushManifest(nydusIndex.digest(), nydusIndex));
    return run.result(top.digest(), nydusIndex);
  }

  /** A source manifest with its config, ready to convert. */
  private record Pending(SourceImage image, List<Descriptor> layers) {}

  /** The state of one conversion: options, counters and timings. */
  private final class Run {
    private final ConvertOptions options;
    private int total;
    private int done;
    private long bytesIn;
    private long bytesOut;
    private long targetBytes;
    private int converted;
    private int fromCache;
    private long pullNanos;
    private long convertNanos;
    private long pushNanos;

    Run(ConvertOptions options) {
      this.options = options;
    }

    Pending prepare(StoredManifest manifest, String reference) throws IOException {
      SourceImage withoutConfig =
          new SourceImage(reference, manifest.digest(), manifest.bytes(), new byte[0]);
      Descriptor config = withoutConfig.config();
      if (config.size() > MAX_CONFIG_BYTES) {
        throw new UnsupportedSourceException(
            "config %s of %s is %d bytes, more than an image config can be"
                .formatted(config.digest(), reference, config.size()));
      }
      byte[] configJson;
      try (InputStream in = source.openBlob(config.digest(), config.size())) {
        configJson = in.readAllBytes();
      }
      SourceImage image =
          new SourceImage(reference, manifest.digest(), manifest.bytes(), configJson);
      return new Pending(image, image.layers());
    }

    StoredManifest convert(Pending pending) throws IOException {
      List<LayerTree> trees = new ArrayList<>();
      List<Descriptor> blobs = new ArrayList<>();
      for (Descriptor layer : pending.layers()) {
        CachedLayer nydus = fromCache(layer).orElse(null);
        if (nydus == null) {
          nydus = convertLayer(layer);
          converted++;
        } else {
          fromCache++;
        }
        trees.add(nydus.tree());
        blobs.add(NydusImageAssembler.blobLayer(nydus.blobDigest(), nydus.blobSize()));
        targetBytes += nydus.blobSize();
        done++;
        progress.accept(new Progress(done, total, bytesIn, bytesOut));
      }
      long start = System.nanoTime();
      MergedTree merged = LayerMerger.merge(trees);
      byte[] bootstrap =
          BootstrapWriter.write(
              merged.entries(),
              merged.blobs(),
              new BootstrapOptions(options.chunkSize(), options.prefetchPatterns(), false));
      BootstrapLayer bootstrapLayer = BootstrapLayer.of(bootstrap, BlobMetaFile.forLayers(trees));
      AssembledImage image =
          NydusImageAssembler.assemble(
              pending.image(),
              blobs,
              bootstrapLayer,
              new AssemblyOptions(options.withReferrer(), options.annotations()));
      convertNanos += System.nanoTime() - start;
      StoredManifest manifest =
          StoredManifest.of(image.manifest().mediaType(), image.manifestJson());
      timePush(
          () -> {
            pushBytes(image.config().digest(), image.configJson());
            pushBytes(bootstrapLayer.digest(), bootstrapLayer.gzip());
            target.pushManifest(manifest.digest(), manifest);
          });
      targetBytes += image.configJson().length + bootstrapLayer.size();
      return manifest;
    }

    private Optional<CachedLayer> fromCache(Descriptor layer) throws IOException {
      long start = System.nanoTime();
      Optional<CachedLayer> hit = cache.find(layer.digest(), options);
      // reading the cache entry (its tree) is pulling from the registry
      pullNanos += System.nanoTime() - start;
      if (hit.isEmpty()) {
        return hit;
      }
      CachedLayer cached = hit.get();
      try {
        timePush(
            () ->
                target.pushBlob(
                    cached.blobDigest(),
                    cached.blobSize(),
                    cache.content(cached),
                    cache.repository()));
        return hit;
      } catch (IOException e) {
        // the cached blob may have been garbage-collected: converting again repairs the entry
        log.log(
            Level.WARNING,
            "layer cache entry for %s unusable (%s); converting it again"
                .formatted(layer.digest(), e));
        return Optional.empty();
      }
    }

    private CachedLayer convertLayer(Descriptor layer) throws IOException {
      try (Scratch.File blob = scratch.newFile("nydus-blob")) {
        ConvertedLayer result;
        long start = System.nanoTime();
        long pullBefore = pullNanos;
        try (InputStream in = new TimedInput(source.openBlob(layer.digest(), layer.size()));
            OutputStream out = blob.output()) {
          result =
              LayerConverter.convert(
                  new UnclosedInput(in),
                  layer.mediaType(),
                  source.location() + " layer " + layer.digest(),
                  out,
                  options.layerOptions());
          // read to the end, so that the digest of the whole layer is verified
          in.transferTo(OutputStream.nullOutputStream());
        }
        convertNanos += System.nanoTime() - start - (pullNanos - pullBefore);
        bytesIn += layer.size();
        bytesOut += result.blobSize();
        CachedLayer nydus = new CachedLayer(result.blobDigest(), result.blobSize(), result.tree());
        timePush(
            () -> {
              BlobPush pushed =
                  target.pushBlob(
                      result.blobDigest(),
                      result.blobSize(),
                      () -> Files.newInputStream(blob.path()),
                      null);
              log.fine(() -> "blob " + result.blobDigest() + " " + pushed);
              try {
                cache.store(layer.digest(), options, nydus, target);
              } catch (IOException e) {
                // the cache only saves work: a conversion does not fail for it
                log.log(
                    Level.WARNING,
                    "could not remember %s in the layer cache: %s".formatted(layer.digest(), e));
              }
            });
        return nydus;
      }
    }

    private void pushBytes(String digest, byte[] bytes) throws IOException {
      target.pushBlob(digest, bytes.length, () -> new ByteArrayInputStream(bytes), null);
    }

    void timePush(IoAction action) throws IOException {
      long start = System.nanoTime();
      try {
        action.run();
      } finally {
        pushNanos += System.nanoTime() - start;
      }
    }

    ConversionResult result(String sourceDigest, StoredManifest manifest) {
      return new ConversionResult(
          null,
          manifest,
          sourceDigest,
          bytesIn,
          targetBytes,
          converted,
          fromCache,
          pullNanos / 1_000_000,
          convertNanos / 1_000_000,
          pushNanos / 1_000_000);
    }

    /** Counts the time spent waiting for source bytes: the pull phase. */
    private final class TimedInput extends FilterInputStream {
      TimedInput(InputStream in) {
        super(in);
      }

      @Override
      public int read() throws IOException {
        long start = System.nanoTime();
        try {
          return super.read();
        } finally {
          pullNanos += System.nanoTime() - start;
        }
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        long start = System.nanoTime();
        try {
          return super.read(b, off, len);
        } finally {
          pullNanos += System.nanoTime() - start;
        }
      }
    }
  }

  /** Keeps the source stream open when the converter closes its reader: it is drained after. */
  private static final class UnclosedInput extends FilterInputStream {
    UnclosedInput(InputStream in) {
      super(in);
    }

    @Override
    public void close() {}
  }

  @FunctionalInterface
  private interface IoAction {
    void run() throws IOException;
  }
}
