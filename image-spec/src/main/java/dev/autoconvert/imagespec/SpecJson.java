package dev.autoconvert.imagespec;

import java.util.LinkedHashMap;
import java.util.Map;
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

  /**
   * The members of an object such as {@code annotations}, as text, in document order; empty when
   * {@code node} is missing or not an object.
   */
  public static Map<String, String> strings(JsonNode node) {
    Map<String, String> map = new LinkedHashMap<>();
    if (node != null && node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        map.put(e.getKey(), e.getValue().asString());
      }
    }
    return map;
  }
}
