package dev.autoconvert.listener.intake;

import java.io.IOException;
import java.io.InputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The webhook bodies under src/test/resources (see webhook-samples.md there). */
public final class Samples {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private Samples() {}

  public static byte[] bytes(String path) {
    try (InputStream in = Samples.class.getResourceAsStream("/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read test resource " + path, e);
    }
  }

  public static JsonNode json(String path) {
    return JSON.readTree(bytes(path));
  }

  public static JsonNode parse(String json) {
    return JSON.readTree(json);
  }
}
