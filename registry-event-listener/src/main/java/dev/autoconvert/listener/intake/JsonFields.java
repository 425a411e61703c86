package dev.autoconvert.listener.intake;

import tools.jackson.databind.JsonNode;

/** Reads fields of a webhook body, turning a wrong shape into a message that names the field. */
public final class JsonFields {
  private JsonFields() {}

  public static JsonNode object(JsonNode parent, String field, String where) {
    JsonNode node = parent.get(field);
    if (node == null || !node.isObject()) {
      throw new MalformedWebhookException(where + "." + field + " must be an object");
    }
    return node;
  }

  public static JsonNode array(JsonNode parent, String field, String where) {
    JsonNode node = parent.get(field);
    if (node == null || !node.isArray()) {
      throw new MalformedWebhookException(where + "." + field + " must be an array");
    }
    return node;
  }

  /** A string field, or null when absent or null; any other type is malformed. */
  public static String optionalText(JsonNode parent, String field, String where) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isString()) {
      throw new MalformedWebhookException(where + "." + field + " must be a string");
    }
    return node.asString();
  }

  public static String text(JsonNode parent, String field, String where) {
    String value = optionalText(parent, field, where);
    if (value == null || value.isBlank()) {
      throw new MalformedWebhookException(where + "." + field + " is missing");
    }
    return value;
  }

  /** A non-negative integer field, or 0 when absent. */
  public static long optionalSize(JsonNode parent, String field, String where) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return 0;
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 0) {
      throw new MalformedWebhookException(where + "." + field + " must be a non-negative integer");
    }
    return node.asLong();
  }
}
