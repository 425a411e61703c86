package dev.autoconvert.format.image;

import dev.autoconvert.format.FormatException;
import dev.autoconvert.imagespec.MediaTypes;
import dev.autoconvert.imagespec.SpecJson;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One source image manifest with its config, as pulled: what the conversion reads and what the
 * Nydus manifest refers back to.
 *
 * @param reference where it came from, e.g. {@code 127.0.0.1:5000/app:v1}, for the {@code
 *     nydus-source-reference} annotation
 * @param manifestDigest digest of {@code manifestJson} as the registry serves it
 * @param manifestJson the manifest bytes
 * @param configJson the config blob bytes
 */
public record SourceImage(
    String reference, String manifestDigest, byte[] manifestJson, byte[] configJson) {

  /** The parsed manifest; fails naming the image when it is not an image manifest. */
  ObjectNode manifest() throws FormatException {
    return Json.parseObject(manifestJson, "manifest " + manifestDigest + " of " + reference);
  }

  /** OCI or Docker schema 2, from the manifest's own {@code mediaType} (OCI when absent). */
  public String mediaType() throws FormatException {
    JsonNode type = manifest().get("mediaType");
    return type == null || type.isNull() ? MediaTypes.OCI_MANIFEST : type.asString();
  }

  /** The layers in order, bottom first. */
  public List<Descriptor> layers() throws FormatException {
    return descriptors(manifest(), "layers", reference);
  }

  public Descriptor config() throws FormatException {
    JsonNode config = manifest().get("config");
    if (config == null || !config.isObject()) {
      throw new FormatException(
          "manifest " + manifestDigest + " of " + reference + " has no config");
    }
    return descriptor(config, reference + " config");
  }

  static List<Descriptor> descriptors(ObjectNode parent, String field, String where)
      throws FormatException {
    JsonNode array = parent.get(field);
    List<Descriptor> result = new ArrayList<>();
    if (array == null || array.isNull()) {
      return result;
    }
    if (!array.isArray()) {
      throw new FormatException(where + ": '" + field + "' is not an array");
    }
    for (int i = 0; i < array.size(); i++) {
      result.add(descriptor(array.get(i), where + " " + field + "[" + i + "]"));
    }
    return result;
  }

  static Descriptor descriptor(JsonNode node, String where) throws FormatException {
    try {
      return new Descriptor(
          node.path("mediaType").asString(""),
          node.path("digest").asString(null),
          node.path("size").asLong(-1),
          SpecJson.strings(node.get("annotations")));
    } catch (IllegalArgumentException e) {
      throw new FormatException(where + ": " + e.getMessage());
    }
  }
}
