package dev.autoconvert.oci.registry;

import dev.autoconvert.oci.ErrorKind;
import dev.autoconvert.oci.RegistryException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a failed answer into a {@link RegistryException}: the kind from the status code, the detail
 * from the distribution error body ({@code {"errors":[{"code","message"}]}}) when there is one.
 */
final class ErrorResponses {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int TEXT_DETAIL_MAX = 200;

  private ErrorResponses() {}

  static ErrorKind kindOf(int status) {
    if (status == 401 || status == 403) {
      return ErrorKind.UNAUTHORIZED;
    }
    if (status == 404) {
      return ErrorKind.NOT_FOUND;
    }
    if (status == 408 || status == 429 || status >= 500) {
      return ErrorKind.UNAVAILABLE;
    }
    if (status >= 400) {
      return ErrorKind.REJECTED;
    }
    return ErrorKind.PROTOCOL;
  }

  static RegistryException toException(String action, int status, byte[] body) {
    return new RegistryException(kindOf(status), action, status, detail(body), null);
  }

  static String detail(byte[] body) {
    if (body.length == 0) {
      return "no error details";
    }
    try {
      JsonNode errors = JSON.readTree(body).get("errors");
      if (errors != null && errors.isArray() && !errors.isEmpty()) {
        List<String> parts = new ArrayList<>();
        for (JsonNode error : errors) {
          parts.add(error.path("code").asString("") + ": " + error.path("message").asString(""));
        }
        return String.join("; ", parts);
      }
    } catch (JacksonException notJson) {
      // fall through to the text
    }
    String text = new String(body, StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip();
    return text.length() > TEXT_DETAIL_MAX ? text.substring(0, TEXT_DETAIL_MAX) + "…" : text;
  }
}
