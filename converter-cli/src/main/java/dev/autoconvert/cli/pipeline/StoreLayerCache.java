package dev.autoconvert.cli.pipeline;

import dev.autoconvert.cli.store.ImageStore;
import dev.autoconvert.cli.store.StoredManifest;
import dev.autoconvert.format.image.NydusImageAssembler;
import dev.autoconvert.format.tree.LayerTree;
import dev.autoconvert.imagespec.MediaTypes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The fleet-wide layer cache, kept in the registry itself: one small OCI artifact per entry in a
 * dedicated repository, tagged with the hash of (source layer digest, conversion options). Its
 * layers are the Nydus blob (so the registry keeps the blob alive and other repositories can mount
 * it) and the layer's tree as gzip'd JSON (what the merge needs, without reading the blob). Being
 * registry content, it is shared by every worker, survives restarts, needs no extra service, and a
 * lost entry only costs a conversion.
 */
public final class StoreLayerCache implements LayerCache {
  private static final Logger log = Logger.getLogger(StoreLayerCache.class.getName());

  static final String ARTIFACT_TYPE = "application/vnd.autoconvert.layer-cache.v1";
  static final String CONFIG_TYPE = "application/vnd.autoconvert.layer-cache.config.v1+json";
  static final String TREE_TYPE = "application/vnd.autoconvert.layer-tree.v1+json+gzip";

  /** A tree of a layer with a million files is some hundred MB of JSON; refuse beyond. */
  private static final long MAX_TREE_BYTES = 512L << 20;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final ImageStore entries;

  /**
   * @param entries the cache repository
   */
  public StoreLayerCache(ImageStore entries) {
    this.entries = entries;
  }

  /** The tag of the entry for {@code sourceLayerDigest} converted with {@code options}. */
  static String tag(String sourceLayerDigest, ConvertOptions options) {
    byte[] key =
        (sourceLayerDigest + "\n" + options.layerCacheKey()).getBytes(StandardCharsets.UTF_8);
    return "sha256-" + NydusImageAssembler.digest(key).substring("sha256:".length());
  }

  @Override
  public Optional<CachedLayer> find(String sourceLayerDigest, ConvertOptions options)
      throws IOException {
    String tag = tag(sourceLayerDigest, options);
    Optional<StoredManifest> entry = entries.findManifest(tag);
    if (entry.isEmpty()) {
      return Optional.empty();
    }
    try {
      JsonNode manifest = JSON.readTree(entry.get().bytes());
      JsonNode blob = manifest.path("layers").path(0);
      JsonNode tree = manifest.path("layers").path(1);
      if (!sourceLayerDigest.equals(
          manifest.path("annotations").path("dev.autoconvert.cache.source-layer").asString(""))) {
        log.warning("layer cache entry " + tag + " names another source layer; ignored");
        return Optional.empty();
      }
      LayerTree layerTree;
      try (InputStream in =
          new GZIPInputStream(
              entries.openBlob(tree.path("digest").asString(), tree.path("size").asLong()))) {
        layerTree =
            JSON.readValue(
                in.readNBytes((int) Math.min(MAX_TREE_BYTES, Integer.MAX_VALUE - 8)),
                LayerTree.class);
      }
      return Optional.of(
          new CachedLayer(blob.path("digest").asString(), blob.path("size").asLong(), layerTree));
    } catch (JacksonException | IllegalArgumentException e) {
      log.log(Level.WARNING, "layer cache entry " + tag + " unreadable; treated as a miss", e);
      return Optional.empty();
    }
  }

  @Override
  public void store(
      String sourceLayerDigest, ConvertOptions options, CachedLayer layer, ImageStore holder)
      throws IOException {
    entries.pushBlob(
        layer.blobDigest(),
        layer.blobSize(),
        () -> holder.openBlob(layer.blobDigest(), layer.blobSize()),
        holder.repository());
    byte[] tree = gzip(JSON.writeValueAsBytes(layer.tree()));
    String treeDigest = NydusImageAssembler.digest(tree);
    entries.pushBlob(treeDigest, tree.length, () -> new ByteArrayInputStream(tree), null);

    ObjectNode config = JSON.createObjectNode();
    config.put("sourceLayer", sourceLayerDigest);
    config.put("options", options.layerCacheKey());
    config.put("blob", layer.blobDigest());
    byte[] configJson = JSON.writeValueAsBytes(config);
    String configDigest = NydusImageAssembler.digest(configJson);
    entries.pushBlob(
        configDigest, configJson.length, () -> new ByteArrayInputStream(configJson), null);

    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
    manifest.put("artifactType", ARTIFACT_TYPE);
    manifest.set("config", descriptor(CONFIG_TYPE, configDigest, configJson.length));
    manifest
        .putArray("layers")
        .add(descriptor(MediaTypes.NYDUS_BLOB, layer.blobDigest(), layer.blobSize()))
        .add(descriptor(TREE_TYPE, treeDigest, tree.length));
    manifest
        .putObject("annotations")
        .put("dev.autoconvert.cache.source-layer", sourceLayerDigest)
        .put("dev.autoconvert.cache.options", options.layerCacheKey());
    entries.pushManifest(
        tag(sourceLayerDigest, options),
        StoredManifest.of(MediaTypes.OCI_MANIFEST, JSON.writeValueAsBytes(manifest)));
  }

  @Override
  public String repository() {
    return entries.repository();
  }

  @Override
  public ImageStore.Content content(CachedLayer layer) {
    return () -> entries.openBlob(layer.blobDigest(), layer.blobSize());
  }

  private static ObjectNode descriptor(String mediaType, String digest, long size) {
    ObjectNode node = JSON.createObjectNode();
    node.put("mediaType", mediaType);
    node.put("digest", digest);
    node.put("size", size);
    return node;
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4 + 64);
    try (OutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }
}
