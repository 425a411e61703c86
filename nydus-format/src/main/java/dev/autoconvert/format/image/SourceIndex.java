package dev.autoconvert.format.image;

import dev.autoconvert.format.FormatException;
import dev.autoconvert.imagespec.MediaTypes;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A multi-platform source: an OCI image index or a Docker manifest list.
 *
 * @param reference where it came from
 * @param digest digest of {@code indexJson}
 * @param indexJson the index bytes as served
 */
public record SourceIndex(String reference, String digest, byte[] indexJson) {

  ObjectNode index() throws FormatException {
    return Json.parseObject(indexJson, "index " + digest + " of " + reference);
  }

  public String mediaType() throws FormatException {
    JsonNode type = index().get("mediaType");
    return type == null || type.isNull() ? MediaTypes.OCI_INDEX : type.asString();
  }

  /** Every entry, in index order. */
  public List<IndexEntry> entries() throws FormatException {
    JsonNode manifests = index().get("manifests");
    List<IndexEntry> entries = new ArrayList<>();
    if (manifests == null || !manifests.isArray()) {
      throw new FormatException("index " + digest + " of " + reference + " has no manifests array");
    }
    for (int i = 0; i < manifests.size(); i++) {
      JsonNode node = manifests.get(i);
      String where = "index " + digest + " manifests[" + i + "]";
      entries.add(
          new IndexEntry(SourceImage.descriptor(node, where), platform(node.get("platform"))));
    }
    return entries;
  }

  /**
   * The entries to convert: image manifests (nested indexes and attestations left out) whose
   * platform one of {@code platforms} names, or all of them when {@code platforms} is empty.
   */
  public List<IndexEntry> select(List<Platform> platforms) throws FormatException {
    List<IndexEntry> selected = new ArrayList<>();
    for (IndexEntry entry : entries()) {
      if (!MediaTypes.isImageManifest(entry.manifest().mediaType()) || entry.attestation()) {
        continue;
      }
      if (platforms.isEmpty()
          || (entry.platform() != null && platforms.stream().anyMatch(entry.platform()::matches))) {
        selected.add(entry);
      }
    }
    return selected;
  }

  private static Platform platform(JsonNode node) {
    if (node == null || !node.isObject()) {
      return null;
    }
    List<String> features = new ArrayList<>();
    node.path("os.features").forEach(f -> features.add(f.asString()));
    return new Platform(
        node.path("os").asString(""),
        node.path("architecture").asString(""),
        text(node, "variant"),
        text(node, "os.version"),
        features);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asString();
  }
}
