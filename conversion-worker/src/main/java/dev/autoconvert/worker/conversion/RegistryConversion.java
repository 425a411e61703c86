package dev.autoconvert.worker.conversion;

import dev.autoconvert.cli.pipeline.ConversionResult;
import dev.autoconvert.cli.pipeline.ConvertOptions;
import dev.autoconvert.cli.pipeline.ImageConverter;
import dev.autoconvert.cli.pipeline.Scratch;
import dev.autoconvert.cli.pipeline.StoreLayerCache;
import dev.autoconvert.cli.pipeline.UnsupportedSourceException;
import dev.autoconvert.cli.store.RegistryImageStore;
import dev.autoconvert.cli.store.StoredManifest;
import dev.autoconvert.contracts.ConversionOptions;
import dev.autoconvert.contracts.ConversionRequest;
import dev.autoconvert.contracts.ConversionStatus;
import dev.autoconvert.contracts.FailureCode;
import dev.autoconvert.contracts.OutputAnnotations;
import dev.autoconvert.format.Compressor;
import dev.autoconvert.format.Digester;
import dev.autoconvert.format.FormatException;
import dev.autoconvert.format.convert.LayerOptions;
import dev.autoconvert.format.image.NydusImageAssembler;
import dev.autoconvert.format.image.Platform;
import dev.autoconvert.oci.ImageReference;
import dev.autoconvert.oci.RegistryException;
import dev.autoconvert.oci.registry.RegistryClient;
import dev.autoconvert.worker.WorkerProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The worker's conversion: source and target in the request's registry, the layer cache in the
 * configured cache repository of that registry, and the target tag moved last, only when no
 * conversion of a newer push owns it (DESIGN.md invariant 3).
 */
@Component
class RegistryConversion implements ImageConversion {
  private static final Logger log = LoggerFactory.getLogger(RegistryConversion.class);

  private final WorkerProperties properties;
  private final RegistryClient client;
  private final Scratch scratch;

  RegistryConversion(WorkerProperties properties, RegistryClient client, Scratch scratch) {
    this.properties = properties;
    this.client = client;
    this.scratch = scratch;
  }

  @Override
  public Outcome convert(ConversionRequest request, ProgressSink sink) throws ConversionException {
    ConvertOptions options = options(request);
    if (properties.registry(request.registry()).isEmpty()) {
      throw new ConversionException(
          FailureCode.SOURCE_UNSUPPORTED,
          "registry " + request.registry() + " is not configured on this worker");
    }
    try {
      RegistryImageStore source =
          new RegistryImageStore(client, request.registry(), request.sourceRepository());
      RegistryImageStore target =
          new RegistryImageStore(client, request.registry(), request.targetRepository());
      RegistryImageStore cacheRepository =
          new RegistryImageStore(client, request.registry(), properties.cacheRepository());
      ImageConverter converter =
          new ImageConverter(
              source,
              target,
              scratch,
              new StoreLayerCache(cacheRepository),
              p ->
                  sink.progress(
                      new ConversionStatus.Progress(
                          p.layersDone(), p.layersTotal(), p.bytesIn(), p.bytesOut())));
      // a newer push already owns the target: no need to convert at all
      Optional<String> newerBefore = newerOwner(request, source, target);
      if (newerBefore.isPresent()) {
        return new Outcome.Superseded(null, newerBefore.get());
      }
      ConversionResult result = converter.convert(request.sourceDigest(), options);
      if (result.skipped()) {
        return new Outcome.Skipped(result.skipReason());
      }
      StoredManifest nydus = result.target();
      ConversionStatus.Progress done =
          new ConversionStatus.Progress(
              result.layersConverted() + result.layersFromCache(),
              result.layersConverted() + result.layersFromCache(),
              result.sourceBytes(),
              result.targetBytes());

      // and again just before the tag moves: a newer conversion may have finished meanwhile
      Optional<String> newer = newerOwner(request, source, target);
      if (newer.isPresent()) {
        return new Outcome.Superseded(nydus.digest(), newer.get());
      }
      sink.targetDigest(nydus.digest(), done);
      long pushStart = System.nanoTime();
      target.pushManifest(request.targetTag(), nydus);
      long tagMillis = (System.nanoTime() - pushStart) / 1_000_000;
      Map<String, Long> phases = new LinkedHashMap<>();
      phases.put("pull", result.pullMillis());
      phases.put("convert", result.convertMillis());
      phases.put("push", result.pushMillis() + tagMillis);
      log.info(
          "job {}: {}/{}:{} -> {} ({} converted, {} from cache, {} -> {} bytes, ms {})",
          request.jobId(),
          request.registry(),
          request.targetRepository(),
          request.targetTag(),
          nydus.digest(),
          result.layersConverted(),
          result.layersFromCache(),
          result.sourceBytes(),
          result.targetBytes(),
          phases);
      return new Outcome.Succeeded(
          nydus.digest(),
          new ConversionStatus.Result(
              result.sourceBytes(),
              result.targetBytes(),
              result.layersConverted(),
              result.layersFromCache(),
              phases));
    } catch (RegistryException e) {
      throw new ConversionException(FailureCode.valueOf(e.kind().failureCode()), e.getMessage(), e);
    } catch (Scratch.ExhaustedException e) {
      throw new ConversionException(FailureCode.SCRATCH_SPACE_EXHAUSTED, e.getMessage(), e);
    } catch (UnsupportedSourceException e) {
      throw new ConversionException(FailureCode.SOURCE_UNSUPPORTED, e.getMessage(), e);
    } catch (FormatException e) {
      throw new ConversionException(FailureCode.LAYER_CORRUPT, e.getMessage(), e);
    } catch (IOException | UncheckedIOException e) {
      throw new ConversionException(FailureCode.REGISTRY_UNAVAILABLE, e.getMessage(), e);
    }
  }

  /**
   * Why this conversion must not move the target tag, if it must not: the source tag was pushed
   * again since, or the target tag shows the conversion of a newer push.
   */
  private Optional<String> newerOwner(
      ConversionRequest request, RegistryImageStore source, RegistryImageStore target)
      throws IOException {
    if (request.sourceTag() != null) {
      Optional<StoredManifest> now = source.findManifest(request.sourceTag());
      if (now.isPresent() && !now.get().digest().equals(request.sourceDigest())) {
        return Optional.of(
            "source tag %s now points to %s, a newer push than %s"
                .formatted(request.sourceTag(), now.get().digest(), request.sourceDigest()));
      }
    }
    Optional<StoredManifest> current = target.findManifest(request.targetTag());
    if (current.isEmpty()) {
      return Optional.empty();
    }
    String sequence =
        NydusImageAssembler.annotations(current.get().bytes()).get(OutputAnnotations.SEQUENCE);
    if (sequence != null
        && sequence.matches("\\d{1,19}")
        && Long.parseLong(sequence) > request.sequence()) {
      return Optional.of(
          "target tag %s shows the conversion of push %s, newer than push %d"
              .formatted(request.targetTag(), sequence, request.sequence()));
    }
    return Optional.empty();
  }

  private static ConvertOptions options(ConversionRequest request) throws ConversionException {
    if (request.targetTag() == null
        || request.targetTag().length() > ImageReference.MAX_TAG_LENGTH) {
      throw new ConversionException(
          FailureCode.TAG_TOO_LONG,
          "target tag '%s' is longer than %d characters"
              .formatted(request.targetTag(), ImageReference.MAX_TAG_LENGTH));
    }
    ConversionOptions o =
        request.options() == null ? ConversionOptions.defaults() : request.options();
    try {
      List<Platform> platforms = o.platforms().stream().map(Platform::parse).toList();
      return new ConvertOptions(
          o.compressor() == null ? Compressor.ZSTD : Compressor.fromCliName(o.compressor()),
          o.chunkSize() == 0 ? ConvertOptions.DEFAULT_CHUNK_SIZE : o.chunkSize(),
          o.digester() == null ? LayerOptions.DEFAULT_DIGESTER : Digester.fromCliName(o.digester()),
          platforms,
          o.prefetchPatterns(),
          o.withReferrer(),
          Map.of(OutputAnnotations.SEQUENCE, Long.toString(request.sequence())));
    } catch (IllegalArgumentException e) {
      throw new ConversionException(
          FailureCode.SOURCE_UNSUPPORTED, "conversion options: " + e.getMessage(), e);
    }
  }
}
