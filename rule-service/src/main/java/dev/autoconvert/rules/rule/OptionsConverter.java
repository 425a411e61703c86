package dev.autoconvert.rules.rule;

import dev.autoconvert.contracts.ConversionOptions;
import dev.autoconvert.contracts.JsonCodec;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.nio.charset.StandardCharsets;

/** Stores conversion options as the same JSON the workers receive in a ConversionRequest. */
@Converter
public class OptionsConverter implements AttributeConverter<ConversionOptions, String> {
  @Override
  public String convertToDatabaseColumn(ConversionOptions options) {
    return options == null ? null : new String(JsonCodec.encode(options), StandardCharsets.UTF_8);
  }

  @Override
  public ConversionOptions convertToEntityAttribute(String json) {
    return json == null
        ? null
        : JsonCodec.decode(json.getBytes(StandardCharsets.UTF_8), ConversionOptions.class);
  }
}
