package dev.autoconvert.imagespec;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Reading the JSON documents of the image specifications: manifests, indexes, configs. */
public final class SpecJson {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private SpecJson() {}

  /**
   * {@code json} as an object.
   *
   * @param what how messages name the document, e.g. {@code "manifest sha256:..."}
   * @throws ManifestException when it is not valid JSON or not an object
   */
  public static ObjectNode object(byte[] json, String what) throws ManifestException {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JacksonException e) {
      throw new ManifestException(what + " is not valid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new ManifestException(what + " is not a JSON object");
    }
    return (ObjectNode) node;
  }
}
