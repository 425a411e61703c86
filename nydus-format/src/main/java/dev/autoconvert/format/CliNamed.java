package dev.autoconvert.format;

import java.util.Arrays;
import java.util.stream.Collectors;

/** An algorithm choice known by the name nydus-image and nydusify use on their command lines. */
interface CliNamed {
  String cliName();

  /** The value named {@code name}; the error lists the names that exist. */
  static <T extends CliNamed> T byCliName(T[] values, String name, String kind) {
    for (T value : values) {
      if (value.cliName().equals(name)) {
        return value;
      }
    }
    throw new IllegalArgumentException(
        "unknown "
            + kind
            + " '"
            + name
            + "', expected one of "
            + Arrays.stream(values).map(CliNamed::cliName).collect(Collectors.joining(", ")));
  }
}
