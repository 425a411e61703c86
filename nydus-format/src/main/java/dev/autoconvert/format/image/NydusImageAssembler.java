package dev.autoconvert.format.image;

import dev.autoconvert.format.FormatException;
import dev.autoconvert.imagespec.MediaTypes;
import dev.autoconvert.imagespec.NydusAnnotations;
import dev.autoconvert.imagespec.SpecJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes the OCI side of a Nydus image (§5): the rewritten config, the manifest listing one Nydus
 * blob per source layer then the bootstrap layer, and the index of a multi-platform source.
 */
public final class NydusImageAssembler {
  /** History entry nydus tooling appends for the bootstrap layer (§5.3). */
  private static final String HISTORY_CREATED_BY = "Nydus Converter";

  private static final String HISTORY_COMMENT = "Nydus Bootstrap Layer";

  private NydusImageAssembler() {}

  /** The manifest layer of one Nydus data blob (§5.1). */
  public static Descriptor blobLayer(String blobDigest, long blobSize) {
    return new Descriptor(
        MediaTypes.NYDUS_BLOB, blobDigest, blobSize, Map.of(NydusAnnotations.BLOB, "true"));
  }

  /**
   * Assembles the Nydus image of {@code source}.
   *
   * @param blobs the Nydus data blobs, one per source layer in source order (see {@link
   *     #blobLayer})
   * @param bootstrap the layer holding the merged bootstrap of those blobs
   * @throws FormatException when the source manifest or config is malformed, naming which
   */
  public static AssembledImage assemble(
      SourceImage source, List<Descriptor> blobs, BootstrapLayer bootstrap, AssemblyOptions options)
      throws FormatException {
    String mediaType = source.mediaType();
    if (!MediaTypes.isImageManifest(mediaType)) {
      throw new FormatException(
          "manifest "
              + source.manifestDigest()
              + " of "
              + source.reference()
              + " has media type "
              + mediaType
              + ", not an image manifest");
    }
    List<Descriptor> sourceLayers = source.layers();
    if (sourceLayers.size() != blobs.size()) {
      throw new IllegalArgumentException(
          "source %s has %d layers but %d Nydus blobs were given"
              .formatted(source.reference(), sourceLayers.size(), blobs.size()));
    }
    boolean docker = MediaTypes.DOCKER_MANIFEST.equals(mediaType);
    Descriptor sourceConfig = source.config();

    byte[] configJson = rewriteConfig(source, blobs, bootstrap);
    Descriptor config =
        new Descriptor(sourceConfig.mediaType(), Json.sha256(configJson), configJson.length);
    Descriptor bootstrapLayer =
        new Descriptor(
            docker ? MediaTypes.DOCKER_LAYER_GZIP : MediaTypes.OCI_LAYER_GZIP,
            bootstrap.digest(),
            bootstrap.size(),
            Map.of(
                NydusAnnotations.BOOTSTRAP,
                "true",
                NydusAnnotations.FS_VERSION,
                NydusAnnotations.FS_VERSION_6));

    ObjectNode manifest = Json.MAPPER.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", mediaType);
    manifest.set("config", node(config));
    ArrayNode layers = manifest.putArray("layers");
    blobs.forEach(b -> layers.add(node(b)));
    layers.add(node(bootstrapLayer));
    if (options.withReferrer() && !docker) {
      manifest.set(
          "subject",
          node(new Descriptor(mediaType, source.manifestDigest(), source.manifestJson().length)));
    }
    Map<String, String> annotations =
        new LinkedHashMap<>(SpecJson.strings(source.manifest().get("annotations")));
    annotations.putAll(sourceAnnotations(source.manifestDigest(), source.reference()));
    annotations.putAll(options.annotations());
    manifest.set("annotations", Json.MAPPER.valueToTree(annotations));

    byte[] manifestJson = Json.write(manifest);
    return new AssembledImage(
        new Descriptor(mediaType, Json.sha256(manifestJson), manifestJson.length),
        manifestJson,
        config,
        configJson,
        bootstrap);
  }

  /**
   * The Nydus index of a multi-platform source: one entry per converted manifest, with the platform
   * of the source entry it was made from.
   *
   * @param converted source entry to Nydus manifest, in the order to list them
   * @return the index bytes; its media type is the source index's
   */
  public static byte[] assembleIndex(
      SourceIndex source, Map<IndexEntry, Descriptor> converted, AssemblyOptions options)
      throws FormatException {
    ObjectNode sourceIndex = source.index();
    String mediaType = source.mediaType();
    ObjectNode index = Json.MAPPER.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", mediaType);
    ArrayNode manifests = index.putArray("manifests");
    for (Map.Entry<IndexEntry, Descriptor> e : converted.entrySet()) {
      ObjectNode entry = node(e.getValue());
      JsonNode platform = platformNode(sourceIndex, e.getKey());
      if (platform != null) {
        entry.set("platform", platform);
      }
      manifests.add(entry);
    }
    if (options.withReferrer() && MediaTypes.OCI_INDEX.equals(mediaType)) {
      index.set(
          "subject", node(new Descriptor(mediaType, source.digest(), source.indexJson().length)));
    }
    Map<String, String> annotations =
        new LinkedHashMap<>(SpecJson.strings(sourceIndex.get("annotations")));
    annotations.putAll(sourceAnnotations(source.digest(), source.reference()));
    annotations.putAll(options.annotations());
    index.set("annotations", Json.MAPPER.valueToTree(annotations));
    return Json.write(index);
  }

  /** The annotations of any {@code sha256:} JSON document, e.g. to read a pushed manifest's. */
  public static Map<String, String> annotations(byte[] json) throws FormatException {
    return SpecJson.strings(Json.parseObject(json, "manifest").get("annotations"));
  }

  /** {@code sha256:<hex>} of {@code bytes}, as a registry names them. */
  public static String digest(byte[] bytes) {
    return Json.sha256(bytes);
  }

  private static Map<String, String> sourceAnnotations(String digest, String reference) {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(NydusAnnotations.SOURCE_DIGEST, digest);
    annotations.put(NydusAnnotations.SOURCE_REFERENCE, reference);
    annotations.put(NydusAnnotations.FS_VERSION, NydusAnnotations.FS_VERSION_6);
    return annotations;
  }

  /**
   * The config with {@code rootfs.diff_ids} = the blob digests then the bootstrap tar's digest, and
   * one history entry appended (§5.3); every other field kept as it was.
   */
  private static byte[] rewriteConfig(
      SourceImage source, List<Descriptor> blobs, BootstrapLayer bootstrap) throws FormatException {
    ObjectNode config = Json.parseObject(source.configJson(), "config of " + source.reference());
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    blobs.forEach(b -> diffIds.add(b.digest()));
    diffIds.add(bootstrap.diffId());
    JsonNode history = config.get("history");
    ArrayNode newHistory =
        history != null && history.isArray() ? (ArrayNode) history : config.putArray("history");
    ObjectNode entry = newHistory.addObject();
    entry.put("created_by", HISTORY_CREATED_BY);
    entry.put("comment", HISTORY_COMMENT);
    return Json.write(config);
  }

  private static JsonNode platformNode(ObjectNode sourceIndex, IndexEntry entry) {
    for (JsonNode candidate : sourceIndex.path("manifests")) {
      if (entry.manifest().digest().equals(candidate.path("digest").asString(""))
          && candidate.has("platform")) {
        return candidate.get("platform").deepCopy();
      }
    }
    return null;
  }

  private static ObjectNode node(Descriptor d) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("mediaType", d.mediaType());
    node.put("digest", d.digest());
    node.put("size", d.size());
    if (!d.annotations().isEmpty()) {
      node.set("annotations", Json.MAPPER.valueToTree(new java.util.TreeMap<>(d.annotations())));
    }
    return node;
  }
}
