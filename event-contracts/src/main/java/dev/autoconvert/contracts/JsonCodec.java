package dev.autoconvert.contracts;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapping of the Kafka messages: ISO-8601 instants, unknown fields ignored so that
 * producers can add fields before consumers know them.
 */
public final class JsonCodec {
  private static final JsonMapper MAPPER =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private JsonCodec() {}

  public static byte[] encode(Object message) {
    return MAPPER.writeValueAsBytes(message);
  }

  public static <T> T decode(byte[] json, Class<T> type) {
    return MAPPER.readValue(json, type);
  }
}
