package dev.autoconvert.oci.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON mapping of manifests and indexes: absent fields stay absent, unknown fields are ignored on
 * reading. Compact output, so that what we write is what we digest and push.
 */
public final class ManifestJson {
  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .changeDefaultPropertyInclusion(
              incl -> incl.withValueInclusion(JsonInclude.Include.NON_NULL))
          .build();

  private ManifestJson() {}

  public static byte[] write(Object manifestOrIndex) {
    return MAPPER.writeValueAsBytes(manifestOrIndex);
  }

  public static ImageManifest readManifest(byte[] json) {
    return read(json, ImageManifest.class);
  }

  public static ImageIndex readIndex(byte[] json) {
    return read(json, ImageIndex.class);
  }

  /** Reads the {@code mediaType} field, or null when the document has none. */
  public static String mediaTypeOf(byte[] json) {
    try {
      var node = MAPPER.readTree(json).get("mediaType");
      return node == null || !node.isString() ? null : node.asString();
    } catch (JacksonException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static <T> T read(byte[] json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          "invalid " + type.getSimpleName() + " JSON: " + e.getOriginalMessage(), e);
    }
  }
}
