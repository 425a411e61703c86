package dev.autoconvert.format.image;

import dev.autoconvert.format.FormatException;
import dev.autoconvert.imagespec.ManifestException;
import dev.autoconvert.imagespec.SpecJson;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** JSON and digest helpers of this package. */
final class Json {
  static final JsonMapper MAPPER = JsonMapper.builder().build();

  private Json() {}

  static ObjectNode parseObject(byte[] json, String what) throws FormatException {
    try {
      return SpecJson.object(json, what);
    } catch (ManifestException e) {
      throw new FormatException(e.getMessage(), e);
    }
  }

  static byte[] write(JsonNode node) {
    return MAPPER.writeValueAsBytes(node);
  }

  /** {@code sha256:<hex>} of {@code bytes}. */
  static String sha256(byte[] bytes) {
    return "sha256:" + HexFormat.of().formatHex(sha256Digest().digest(bytes));
  }

  static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
