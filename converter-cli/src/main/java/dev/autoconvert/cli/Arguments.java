package dev.autoconvert.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name value} and {@code --flag} options of one command; anything else is an error. */
final class Arguments {
  private final Map<String, List<String>> values = new LinkedHashMap<>();

  private Arguments() {}

  static Arguments parse(List<String> args, Set<String> valued, Set<String> flags) {
    Arguments parsed = new Arguments();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      if (valued.contains(name)) {
        if (value == null) {
          if (i + 1 >= args.size()) {
            throw new UsageException(name + " needs a value");
          }
          value = args.get(++i);
        }
        parsed.values.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
      } else if (flags.contains(name) && value == null) {
        parsed.values.computeIfAbsent(name, n -> new ArrayList<>()).add("true");
      } else {
        throw new UsageException("unknown option '" + arg + "'");
      }
    }
    return parsed;
  }

  String required(String name) {
    String value = optional(name, null);
    if (value == null) {
      throw new UsageException(name + " is required");
    }
    return value;
  }

  String optional(String name, String fallback) {
    List<String> v = values.get(name);
    return v == null ? fallback : v.get(v.size() - 1);
  }

  List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  boolean flag(String name) {
    return values.containsKey(name);
  }
}
